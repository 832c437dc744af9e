import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Actor, ApiScope } from '../auth/actor';

/** Which API key scopes manage (see drafts too) and which read the organisation's published things. */
export interface KeyScopes {
  manage: ApiScope;
  read: ApiScope[];
}

/**
 * Restricts `qb` (main alias `alias`, with organisationId, chapterId, status and visibility) to what the
 * actor may see: everything of organisations they administer or chapters they organise; otherwise
 * published things by visibility (a thing without a chapter counts as organisation-wide). The caller's
 * memberships are read by subqueries in the same statement, so a list needs no separate grants query.
 */
export function whereVisibleTo<E extends ObjectLiteral>(
  qb: SelectQueryBuilder<E>,
  alias: string,
  actor: Actor,
  scopes: KeyScopes,
  options: {
    /** SQL that is true when the thing is not a draft (default: its status is not DRAFT). */
    published?: string;
    /** `SELECT … FROM <shares> shared WHERE …`: further chapters (`shared.chapter_id`) whose members may read a CHAPTER thing. */
    sharedWith?: string;
  } = {},
): void {
  const userId = actor.kind === 'user' ? actor.userId : null;
  const key = actor.kind === 'apiKey' ? actor : null;
  const keyManages = key?.scopes.has(scopes.manage) ? key.organisationId : null;
  const keyReads = key && scopes.read.some((s) => key.scopes.has(s)) ? key.organisationId : null;
  const a = alias;
  const published = options.published ?? `${a}.status <> 'DRAFT'`;
  const memberChapters = `SELECT m.chapter_id FROM memberships m WHERE m.user_id = :userId AND m.status = 'ACTIVE'`;
  const chapterReaders = options.sharedWith
    ? `(${a}.chapterId IN (${memberChapters}) OR EXISTS (${options.sharedWith} AND shared.chapter_id IN (${memberChapters})))`
    : `${a}.chapterId IN (${memberChapters})`;
  qb.andWhere(
    `(${a}.organisationId = :keyManages
      OR ${a}.organisationId IN (SELECT oa.organisation_id FROM organisation_admins oa WHERE oa.user_id = :userId)
      OR ${a}.chapterId IN (SELECT m.chapter_id FROM memberships m WHERE m.user_id = :userId AND m.role = 'ORGANISER' AND m.status = 'ACTIVE')
      OR (${published} AND (
        ${a}.visibility = 'PUBLIC' OR ${a}.organisationId = :keyReads
        OR ((${a}.visibility = 'ORGANISATION' OR ${a}.chapterId IS NULL) AND ${a}.organisationId IN (
          SELECT c.organisation_id FROM memberships m JOIN chapters c ON c.id = m.chapter_id WHERE m.user_id = :userId AND m.status = 'ACTIVE'))
        OR (${a}.visibility = 'CHAPTER' AND ${chapterReaders}))))`,
    { userId, keyManages, keyReads },
  );
}
