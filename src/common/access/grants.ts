import type { Actor, ApiScope } from '../auth/actor';
import type { Visibility } from './visibility';

export interface MembershipGrant {
  organisationId: string;
  role: 'ORGANISER' | 'MEMBER';
  status: 'ACTIVE' | 'PENDING';
}

/** What the actor may do, loaded once per request; every check after that is in memory. */
export class Grants {
  constructor(
    readonly actor: Actor,
    private readonly adminOf: ReadonlySet<string> = new Set(),
    private readonly memberships: ReadonlyMap<string, MembershipGrant> = new Map(),
  ) {}

  get userId(): string | undefined {
    return this.actor.kind === 'user' ? this.actor.userId : undefined;
  }

  isAdmin(organisationId: string): boolean {
    return this.adminOf.has(organisationId);
  }

  /** An ACTIVE organiser of the chapter, or an admin of its organisation. */
  isOrganiser(chapter: { id: string; organisationId: string }): boolean {
    const m = this.memberships.get(chapter.id);
    return this.isAdmin(chapter.organisationId) || (m?.role === 'ORGANISER' && m.status === 'ACTIVE');
  }

  isActiveMember(chapterId: string): boolean {
    return this.memberships.get(chapterId)?.status === 'ACTIVE';
  }

  /** An API key of this organisation holding this scope. */
  keyHas(organisationId: string, scope: ApiScope): boolean {
    return this.actor.kind === 'apiKey' && this.actor.organisationId === organisationId && this.actor.scopes.has(scope);
  }

  adminOrganisationIds(): string[] {
    return [...this.adminOf];
  }

  /** Organisations in which the actor is an ACTIVE member of some chapter. */
  activeOrganisationIds(): string[] {
    return [...new Set([...this.memberships.values()].filter((m) => m.status === 'ACTIVE').map((m) => m.organisationId))];
  }

  /**
   * Whether visibility lets the actor read a published thing (organisers and admins see everything of
   * theirs). A thing without a chapter is organisation-wide: CHAPTER reads as ORGANISATION.
   */
  mayRead(thing: { chapterId: string | null; organisationId: string; visibility: Visibility }): boolean {
    if (thing.visibility === 'PUBLIC') return true;
    if (thing.visibility === 'CHAPTER' && thing.chapterId) return this.isActiveMember(thing.chapterId);
    return this.activeOrganisationIds().includes(thing.organisationId);
  }
}
