import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import type { Grants } from '../../common/access/grants';
import { randomSecret, sha256 } from '../../common/auth/secrets';
import { inTransaction } from '../../common/database/transaction';
import { ConflictError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { enqueue } from '../../common/jobs/job';
import { EmailTokensService } from '../../common/links/email-tokens.service';
import { groupByKey, RequestContext } from '../../common/graphql/request-context';
import { Connection } from '../../common/pagination/connection';
import { paginate } from '../../common/pagination/paginate';
import { UserEntity } from '../users/user.entity';
import { Chapter } from './chapter.model';
import { ChaptersService } from './chapters.service';
import { InvitationEntity } from './invitation.entity';
import { ChapterRole, MembershipEntity } from './membership.entity';
import { CreatedInvitation, InviteMemberInput, Membership, MembersArgs, toMembership } from './membership.model';
import { recordDeletion } from '../sync/record-deletion';
import { emitWebhookEvent } from '../webhooks/emit';
import { membershipPayload } from '../webhooks/payloads';
import { mayKnowMembershipsOf, mayListMembers, mayManageChapter } from './organisations-access';
import { sendInvitationMail } from './jobs/send-invitation-mail.job';

const INVITATION_DAYS = 7;

@Injectable()
export class MembershipsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(MembershipEntity) private readonly memberships: Repository<MembershipEntity>,
    private readonly chapters: ChaptersService,
    private readonly tokens: EmailTokensService,
  ) {}

  /** OPEN: ACTIVE at once; APPROVAL: PENDING; INVITE_ONLY: only through an invitation. Joining twice returns the membership. */
  async join(ctx: RequestContext, chapterId: string): Promise<Membership> {
    const chapter = await this.chapters.require(ctx, chapterId);
    const userId = (await ctx.grants()).userId!;
    const existing = await this.memberships.findOneBy({ chapterId, userId });
    if (existing) return toMembership(existing);
    if (chapter.joinPolicy === 'INVITE_ONLY') throw new ForbiddenError('This chapter is joined by invitation only');
    const status = chapter.joinPolicy === 'OPEN' ? 'ACTIVE' : 'PENDING';
    const joined = await inTransaction(this.dataSource, async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(MembershipEntity)
        .values({ chapterId, userId, role: 'MEMBER', status })
        .orIgnore()
        .execute();
      const membership = await manager.findOneByOrFail(MembershipEntity, { chapterId, userId });
      if (inserted.raw.length) await membershipChanged(manager, membership);
      return membership;
    });
    ctx.refreshGrants();
    return toMembership(joined);
  }

  /** The last ACTIVE organiser cannot leave. */
  async leave(ctx: RequestContext, chapterId: string): Promise<boolean> {
    const chapter = await this.chapters.require(ctx, chapterId);
    const userId = (await ctx.grants()).userId!;
    await inTransaction(this.dataSource, async (manager) => {
      const membership = await this.lockMembership(manager, { chapterId, userId });
      if (!membership) throw new NotFoundError('Membership');
      await this.keepAnOrganiser(manager, membership, 'The last organiser of a chapter cannot leave it');
      await manager.delete(MembershipEntity, { id: membership.id });
      await recordDeletion(manager, chapter.organisationId, 'MEMBERSHIP', membership.id);
      await membershipChanged(manager, { ...membership, status: 'LEFT' });
    });
    ctx.refreshGrants();
    return true;
  }

  async approve(ctx: RequestContext, membershipId: string): Promise<Membership> {
    const membership = await this.requireManaged(ctx, membershipId);
    if (membership.status === 'PENDING') {
      await inTransaction(this.dataSource, async (manager) => {
        const result = await manager.update(MembershipEntity, { id: membershipId, status: 'PENDING' }, { status: 'ACTIVE' });
        if (result.affected) await membershipChanged(manager, await manager.findOneByOrFail(MembershipEntity, { id: membershipId }));
      });
    }
    // Removed by a concurrent request since it was checked: as if it had never been there.
    const approved = await this.memberships.findOneBy({ id: membershipId });
    if (!approved) throw new NotFoundError('Membership');
    return toMembership(approved);
  }

  /** Demoting the last ACTIVE organiser is refused. */
  async setRole(ctx: RequestContext, membershipId: string, role: ChapterRole): Promise<Membership> {
    await this.requireManaged(ctx, membershipId);
    const updated = await inTransaction(this.dataSource, async (manager) => {
      const membership = await this.lockMembership(manager, { id: membershipId });
      // Removed by a concurrent request since requireManaged saw it.
      if (!membership) throw new NotFoundError('Membership');
      if (membership.role === role) return membership;
      if (role === 'MEMBER') await this.keepAnOrganiser(manager, membership, 'The last organiser of a chapter cannot be demoted');
      await manager.update(MembershipEntity, { id: membershipId }, { role });
      // Read back: the trigger has moved updatedAt.
      const changed = await manager.findOneByOrFail(MembershipEntity, { id: membershipId });
      await membershipChanged(manager, changed);
      return changed;
    });
    ctx.refreshGrants();
    return toMembership(updated);
  }

  async remove(ctx: RequestContext, membershipId: string): Promise<boolean> {
    await this.requireManaged(ctx, membershipId);
    await inTransaction(this.dataSource, async (manager) => {
      const membership = await this.lockMembership(manager, { id: membershipId });
      // Removed by a concurrent request since requireManaged saw it.
      if (!membership) throw new NotFoundError('Membership');
      await this.keepAnOrganiser(manager, membership, 'The last organiser of a chapter cannot be removed');
      await manager.delete(MembershipEntity, { id: membershipId });
      const [{ organisation_id }] = await manager.query('SELECT organisation_id FROM chapters WHERE id = $1', [membership.chapterId]);
      await recordDeletion(manager, organisation_id, 'MEMBERSHIP', membershipId);
      await membershipChanged(manager, { ...membership, status: 'REMOVED' });
    });
    ctx.refreshGrants();
    return true;
  }

  /**
   * ACTIVE members for members; organisers, admins and MEMBERS_READ keys also see PENDING.
   * Anyone else gets FORBIDDEN at this field.
   */
  async members(ctx: RequestContext, chapter: Chapter, args: MembersArgs): Promise<Connection<Membership>> {
    if (!mayListMembers(await ctx.grants(), chapter, args.status)) throw new ForbiddenError('Only members of the chapter may list its members');
    return paginate(
      this.memberships.createQueryBuilder('m').where('m.chapterId = :chapterId AND m.status = :status', { chapterId: chapter.id, status: args.status }),
      args,
      { column: 'm.createdAt', id: 'm.id', direction: 'ASC', valueOf: (m) => ({ value: m.createdAt, id: m.id }) },
      toMembership,
    );
  }

  /** The signed-in user's own memberships, for `User.memberships`. */
  forUser(ctx: RequestContext, userId: string): Promise<Membership[]> {
    return ctx
      .loader<string, Membership[]>('memberships.byUser', async (ids) => {
        const rows = await this.memberships.find({ where: { userId: In([...ids]) }, order: { createdAt: 'ASC' } });
        return groupByKey(ids, rows.map(toMembership), (m) => m.userId);
      })
      .load(userId);
  }

  async invite(ctx: RequestContext, input: InviteMemberInput): Promise<CreatedInvitation> {
    const chapter = await this.chapters.require(ctx, input.chapterId);
    const grants = await ctx.grants();
    if (!mayManageChapter(grants, chapter)) throw new ForbiddenError('Only organisers of the chapter may invite');
    const token = randomSecret('mi_');
    const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86_400_000);
    // The invitee is emailed too: the job is added in the invitation's own transaction.
    const invitation = await inTransaction(this.dataSource, async (manager) => {
      const saved = await manager.save(InvitationEntity, {
        chapterId: chapter.id,
        email: input.email,
        role: input.role,
        tokenHash: sha256(token),
        expiresAt,
        createdById: grants.userId ?? null,
      });
      await enqueue(manager, sendInvitationMail, { invitationId: saved.id }, { jobKey: `invitation:${saved.id}` });
      return saved;
    });
    return { invitation: { id: invitation.id, email: invitation.email, role: invitation.role, expiresAt, chapterId: chapter.id }, token };
  }

  /**
   * Single use, unexpired, and only by the account with the invited email. Takes the token handed to
   * the organiser or the one emailed to the invitee (a front end behind LINK_URL passes that one).
   */
  async acceptInvitation(ctx: RequestContext, token: string): Promise<Membership> {
    const userId = (await ctx.grants()).userId!;
    const membership = await inTransaction(this.dataSource, async (manager) => {
      const invitation = await this.lockInvitation(manager, token);
      const user = await manager.findOneByOrFail(UserEntity, { id: userId });
      if (user.email !== invitation.email) throw new ForbiddenError('This invitation is for another email address');
      return this.accept(manager, invitation, userId);
    });
    ctx.refreshGrants();
    return toMembership(membership);
  }

  /**
   * The invitation a token names, locked, live and unused: the organiser's token or the emailed link's
   * (which is spent with it). The link page passes `emailedOnly`: only the emailed token proves the
   * invitee owns the address (the organiser's token would let an organiser claim someone's address).
   */
  async lockInvitation(manager: EntityManager, token: string, options: { emailedOnly?: boolean } = {}): Promise<InvitationEntity> {
    let invitation = options.emailedOnly
      ? null
      : await manager.findOne(InvitationEntity, { where: { tokenHash: sha256(token) }, lock: { mode: 'pessimistic_write' } });
    if (!invitation) {
      const link = await this.tokens.spend(manager, 'invitation', token);
      const invitationId = (link?.data as { invitationId?: string } | undefined)?.invitationId;
      if (invitationId) invitation = await manager.findOne(InvitationEntity, { where: { id: invitationId }, lock: { mode: 'pessimistic_write' } });
    }
    if (!invitation) throw new NotFoundError('Invitation');
    if (invitation.acceptedAt) throw new ConflictError('This invitation has already been used');
    if (invitation.expiresAt.getTime() <= Date.now()) throw new ConflictError('This invitation has expired');
    return invitation;
  }

  /** Marks the invitation used and makes (or upgrades) the membership; in the caller's transaction. */
  async accept(manager: EntityManager, invitation: InvitationEntity, userId: string): Promise<MembershipEntity> {
    await manager.update(InvitationEntity, { id: invitation.id }, { acceptedAt: new Date() });
    const existing = await manager.findOneBy(MembershipEntity, { chapterId: invitation.chapterId, userId });
    if (existing) {
      const role = existing.role === 'ORGANISER' ? 'ORGANISER' : invitation.role;
      await manager.update(MembershipEntity, { id: existing.id }, { status: 'ACTIVE', role });
      return { ...existing, status: 'ACTIVE' as const, role };
    }
    return manager.save(manager.create(MembershipEntity, { chapterId: invitation.chapterId, userId, role: invitation.role, status: 'ACTIVE' }));
  }

  /**
   * A membership the caller manages (organiser of its chapter or admin). Members of the chapter may
   * know it exists (FORBIDDEN); anyone else gets NOT_FOUND.
   */
  private async requireManaged(ctx: RequestContext, membershipId: string): Promise<MembershipEntity> {
    const membership = await this.memberships.findOneBy({ id: membershipId });
    const grants: Grants = await ctx.grants();
    const chapter = membership && (await this.chapters.require(ctx, membership.chapterId));
    if (!membership || !chapter) throw new NotFoundError('Membership');
    if (mayManageChapter(grants, chapter)) return membership;
    if (mayKnowMembershipsOf(grants, chapter)) {
      throw new ForbiddenError('Only organisers of the chapter may manage its members');
    }
    throw new NotFoundError('Membership');
  }

  private lockMembership(manager: EntityManager, where: Partial<MembershipEntity>): Promise<MembershipEntity | null> {
    return manager.findOne(MembershipEntity, { where, lock: { mode: 'pessimistic_write' } });
  }

  /** Locks the chapter's organiser rows, then refuses if `membership` is the only ACTIVE one left. */
  private async keepAnOrganiser(manager: EntityManager, membership: MembershipEntity, message: string): Promise<void> {
    if (membership.role !== 'ORGANISER' || membership.status !== 'ACTIVE') return;
    await manager.query('SELECT id FROM chapters WHERE id = $1 FOR UPDATE', [membership.chapterId]);
    const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM memberships WHERE chapter_id = $1 AND role = 'ORGANISER' AND status = 'ACTIVE'`, [
      membership.chapterId,
    ]);
    if (n <= 1) throw new ConflictError(message);
  }
}

/** MEMBERSHIP_CHANGED for the membership's organisation, in the caller's transaction (status LEFT or REMOVED once it is gone). */
async function membershipChanged(manager: EntityManager, membership: Omit<MembershipEntity, 'status'> & { status: string }): Promise<void> {
  const [{ organisation_id }] = await manager.query('SELECT organisation_id FROM chapters WHERE id = $1', [membership.chapterId]);
  await emitWebhookEvent(manager, organisation_id, 'MEMBERSHIP_CHANGED', membershipPayload(membership));
}
