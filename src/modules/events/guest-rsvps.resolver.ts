import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Allow, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { Attendance, GuestRsvpPayload } from './attendance.model';
import { GuestRsvpInput, LinkTokenArgs } from './dto/rsvp.inputs';
import { EmailPreferencesService } from './email-preferences.service';
import { GuestRsvpsService } from './guest-rsvps.service';

@Resolver()
export class GuestRsvpsResolver {
  constructor(
    private readonly guests: GuestRsvpsService,
    private readonly preferences: EmailPreferencesService,
  ) {}

  /** Anyone, for PUBLIC events; EVENTS_WRITE keys for their organisation's (confirmed at once). */
  @Allow('ANONYMOUS', 'USER', 'EVENTS_WRITE')
  @Mutation(() => GuestRsvpPayload, {
    description:
      "People without an account. The same answer whatever the address's state: the address gets a link\nto confirm the place (or, when it already has one, a link to manage it). The place counts only\nonce confirmed.",
  })
  rsvpAsGuest(@Args('input') input: GuestRsvpInput, @Ctx() ctx: RequestContext): Promise<GuestRsvpPayload> {
    return this.guests.rsvpAsGuest(ctx, input);
  }

  /** Public: the emailed link is the credential (its page keeps no session). */
  @Public()
  @Mutation(() => Attendance, { description: 'Spends nothing; confirming twice is harmless. GOING or WAITLISTED by the capacity rules.' })
  confirmGuestRsvp(@Args() { token }: LinkTokenArgs): Promise<Attendance> {
    return this.guests.confirm(token);
  }

  @Public()
  @Mutation(() => Attendance, { description: 'Guests, with the token from their emailed link.' })
  cancelGuestRsvp(@Args() { token }: LinkTokenArgs): Promise<Attendance> {
    return this.guests.cancel(token);
  }

  @Public()
  @Mutation(() => Boolean, { description: 'Withdraws contact consent for the address the token was sent to (also POST /unsubscribe/:token, RFC 8058).' })
  unsubscribe(@Args() { token }: LinkTokenArgs): Promise<boolean> {
    return this.preferences.unsubscribe(token);
  }
}
