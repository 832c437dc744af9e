import { Mutation, Resolver } from '@nestjs/graphql';
import { Allow } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { CalendarService } from './calendar.service';

@Resolver()
export class CalendarTokensResolver {
  constructor(private readonly calendar: CalendarService) {}

  @Allow('USER')
  @Mutation(() => String, {
    description:
      'A new private calendar token for the caller (the previous one stops working). Add `?token=<it>` to a chapter or event iCalendar URL to include the ORGANISATION and CHAPTER events you may see. Shown once.',
  })
  async resetCalendarToken(@Ctx() ctx: RequestContext): Promise<string> {
    return this.calendar.resetToken((await ctx.grants()).userId!);
  }

  @Allow('USER')
  @Mutation(() => Boolean, { description: 'Revokes the caller’s private calendar token; feeds using it answer 404.' })
  async revokeCalendarToken(@Ctx() ctx: RequestContext): Promise<boolean> {
    return this.calendar.revokeToken((await ctx.grants()).userId!);
  }
}
