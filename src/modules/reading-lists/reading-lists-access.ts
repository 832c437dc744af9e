import type { Grants } from '../../common/access/grants';
import type { KeyScopes } from '../../common/access/visibility-sql';
import type { ReadingList } from './reading-list.model';

/**
 * Who may do what with reading lists: small pure functions over the caller's grants, used by the
 * lists, items and statuses services, with the SQL forms that lists and counts need kept beside them.
 */

type Scope = Pick<ReadingList, 'chapterId' | 'organisationId'>;
type Readable = Scope & Pick<ReadingList, 'visibility'>;

/** The SQL form of mayReadList's key rules (for whereVisibleTo). */
export const LIST_KEY_SCOPES: KeyScopes = { manage: 'READING_LISTS_WRITE', read: ['READING_LISTS_READ'] };
/** The SQL form of a list's shares (for whereVisibleTo's sharedWith), on alias `l`. */
export const LIST_SHARES_SQL = 'SELECT 1 FROM reading_list_shares shared WHERE shared.list_id = l.id';

/** Organisers of the owning chapter, admins and READING_LISTS_WRITE keys edit a list. */
export function mayManageList(grants: Grants, list: Scope): boolean {
  return grants.isOrganiser({ id: list.chapterId, organisationId: list.organisationId }) || grants.keyHas(list.organisationId, 'READING_LISTS_WRITE');
}

/** Visibility, where a CHAPTER list is also read by members of the chapters it is shared with. */
export function mayReadList(grants: Grants, list: Readable, sharedWith: readonly string[]): boolean {
  if (mayManageList(grants, list) || grants.keyHas(list.organisationId, 'READING_LISTS_READ')) return true;
  if (grants.mayRead(list)) return true;
  return list.visibility === 'CHAPTER' && sharedWith.some((chapterId) => grants.isActiveMember(chapterId));
}

/**
 * Sharing a list the caller manages with `chapter`: any chapter of the list's organisation; a chapter of
 * another organisation only when the caller organises that chapter too (or administers it).
 */
export function mayShareWith(grants: Grants, list: Scope, chapter: { id: string; organisationId: string }): boolean {
  return chapter.organisationId === list.organisationId || grants.isOrganiser(chapter);
}

/**
 * Keeping a reading status on a list's items, and counting in its readCount: people who may read the
 * list now as members — admins of its organisation, ACTIVE members of its chapter, of any chapter of
 * its organisation unless it is CHAPTER-only, and of the chapters it is shared with unless it is
 * ORGANISATION-only (shares reach CHAPTER and PUBLIC lists). Anyone who left, or whose membership is no
 * longer ACTIVE, keeps their status row but no longer counts. STATUS_COUNTS_SQL is the same rule in SQL.
 */
export function mayKeepReadingStatus(grants: Grants, list: Readable, sharedWith: readonly string[]): boolean {
  if (grants.actor.kind !== 'user') return false;
  if (grants.isAdmin(list.organisationId) || grants.isActiveMember(list.chapterId)) return true;
  if (list.visibility !== 'CHAPTER' && grants.activeOrganisationIds().includes(list.organisationId)) return true;
  return list.visibility !== 'ORGANISATION' && sharedWith.some((chapterId) => grants.isActiveMember(chapterId));
}

/** mayKeepReadingStatus in SQL, for the status row `s` of an item of list `l` (both aliases raw). */
export const STATUS_COUNTS_SQL = `(
  EXISTS (SELECT 1 FROM organisation_admins oa WHERE oa.user_id = s.user_id AND oa.organisation_id = l.organisation_id)
  OR EXISTS (SELECT 1 FROM memberships m JOIN chapters c ON c.id = m.chapter_id
              WHERE m.user_id = s.user_id AND m.status = 'ACTIVE'
                AND (m.chapter_id = l.chapter_id
                     OR (l.visibility <> 'CHAPTER' AND c.organisation_id = l.organisation_id)
                     OR (l.visibility <> 'ORGANISATION' AND m.chapter_id IN (SELECT sh.chapter_id FROM reading_list_shares sh WHERE sh.list_id = l.id)))))`;
