import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { findByIds } from '../../common/database/raw-reads';
import { byKey, groupByKey, RequestContext } from '../../common/graphql/request-context';
import { UserEntity } from './user.entity';
import { toUser, User } from './user.model';
import { mayReadUserEmail } from './users-access';

@Injectable()
export class UsersService {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /** Users by id through the request's loader. */
  load(ctx: RequestContext, id: string): Promise<User | null> {
    return ctx
      .loader<string, User | null>('users.byId', async (ids) => {
        const rows = await findByIds(this.users, ids);
        return byKey(ids, rows.map(toUser), (u) => u.id);
      })
      .load(id);
  }

  /**
   * Whether the caller may see this user's email (users-access.ts). Only the caller's admin
   * organisations can make a difference, so only those are looked up: one statement for all users of a page.
   */
  emailVisible(ctx: RequestContext, userId: string): Promise<boolean> {
    return ctx
      .loader<string, boolean>('users.emailVisible', async (ids) => {
        const grants = await ctx.grants();
        const adminOf = grants.adminOrganisationIds();
        const rows: Array<{ user_id: string; organisation_id: string }> = adminOf.length
          ? await this.users.query(
              `SELECT m.user_id, c.organisation_id FROM memberships m JOIN chapters c ON c.id = m.chapter_id
                WHERE m.user_id = ANY($1) AND c.organisation_id = ANY($2) AND m.status = 'ACTIVE'
               UNION
               SELECT user_id, organisation_id FROM organisation_admins WHERE user_id = ANY($1) AND organisation_id = ANY($2)`,
              [ids, adminOf],
            )
          : [];
        const organisations = groupByKey(ids, rows, (r) => r.user_id);
        return ids.map((id, i) =>
          mayReadUserEmail(
            grants,
            id,
            organisations[i].map((r) => r.organisation_id),
          ),
        );
      })
      .load(userId);
  }
}
