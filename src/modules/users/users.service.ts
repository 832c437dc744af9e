import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { findByIds } from '../../common/database/raw-reads';
import { byKey, RequestContext } from '../../common/graphql/request-context';
import { UserEntity } from './user.entity';
import { toUser, User } from './user.model';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {}

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
   * Whether the caller may see these users' emails: themself, or an admin of an organisation
   * in which the user is an admin or has a membership. One statement for all users of a page.
   */
  emailVisible(ctx: RequestContext, userId: string): Promise<boolean> {
    return ctx
      .loader<string, boolean>('users.emailVisible', async (ids) => {
        const grants = await ctx.grants();
        const self = grants.userId;
        const adminOf = grants.adminOrganisationIds();
        if (!adminOf.length) return ids.map((id) => id === self);
        const rows: Array<{ user_id: string }> = await this.users.query(
          `SELECT m.user_id FROM memberships m JOIN chapters c ON c.id = m.chapter_id
            WHERE m.user_id = ANY($1) AND c.organisation_id = ANY($2)
           UNION
           SELECT user_id FROM organisation_admins WHERE user_id = ANY($1) AND organisation_id = ANY($2)`,
          [ids, adminOf],
        );
        const visible = new Set(rows.map((r) => r.user_id));
        return ids.map((id) => id === self || visible.has(id));
      })
      .load(userId);
  }
}
