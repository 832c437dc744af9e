import type { Grants } from '../../common/access/grants';
import type { ReadingList } from './reading-list.model';

type Scope = Pick<ReadingList, 'chapterId' | 'organisationId'>;

/** Organisers of the owning chapter, admins and READING_LISTS_WRITE keys edit a list. */
export function mayManageList(grants: Grants, list: Scope): boolean {
  return grants.isOrganiser({ id: list.chapterId, organisationId: list.organisationId }) || grants.keyHas(list.organisationId, 'READING_LISTS_WRITE');
}

/** Visibility, where a CHAPTER list is also read by members of the chapters it is shared with. */
export function mayReadList(grants: Grants, list: Scope & Pick<ReadingList, 'visibility'>, sharedWith: readonly string[]): boolean {
  if (mayManageList(grants, list) || grants.keyHas(list.organisationId, 'READING_LISTS_READ')) return true;
  if (grants.mayRead(list)) return true;
  return list.visibility === 'CHAPTER' && sharedWith.some((chapterId) => grants.isActiveMember(chapterId));
}
