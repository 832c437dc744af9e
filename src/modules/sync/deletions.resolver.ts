import { Args, Query, Resolver } from '@nestjs/graphql';
import { API_SCOPES } from '../../common/auth/actor';
import { Allow } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { Connection } from '../../common/pagination/connection';
import { Deletion, DeletionConnection, DeletionsArgs } from './deletion.model';
import { DeletionsService } from './deletions.service';

@Resolver(() => Deletion)
export class DeletionsResolver {
  constructor(private readonly service: DeletionsService) {}

  // Any key may ask; the service narrows the list to the kinds its read scopes cover.
  @Allow('USER', ...API_SCOPES)
  @Query(() => DeletionConnection, {
    description:
      "Tombstones of the organisation's deleted or erased things since an instant, oldest first: admins and any key of the organisation (each sees the kinds its scopes read).",
  })
  deletions(@Args() args: DeletionsArgs, @Ctx() ctx: RequestContext): Promise<Connection<Deletion>> {
    return this.service.list(ctx, args);
  }
}
