import { randomBytes } from 'node:crypto';
import { JOIN_CHAPTER, OPEN_PETITION, PUBLISH_EVENT, REGISTER, REVOKE_API_KEY } from './documents';
import { hashPassword } from '../../src/modules/auth/passwords';
import { DataSource } from 'typeorm';
import { withDb } from './db';
import { DrainSignatureInboxJob } from '../../src/modules/petitions/jobs/drain-signature-inbox.job';
import { ReceiveSignatureJob } from '../../src/modules/petitions/jobs/receive-signature.job';
import type { NewSignature } from '../../src/modules/petitions/signature-batcher';
import { SignatureConfirmationService } from '../../src/modules/petitions/signature-confirmation.service';
import { linkIn } from './mailbox';
import type { TestApp } from './test-app';

export interface TestUser {
  id: string;
  email: string;
  token: string;
  refreshToken: string;
}

const unique = () => randomBytes(4).toString('hex');

export const PASSWORD = 'correct horse battery';

const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken user { id email } } }`;

/**
 * A verified, signed-in user. Always a real `register` first. With a mailbox (jobs running) the rest
 * is the real flow too: the verification link is read from the mail and spent with verifyEmail.
 * Without one (most specs: jobs off), `markVerifiedForTests` does what the registration job and the
 * link would have done, in SQL, and the user signs in with `login`.
 */
export function registerUser(t: TestApp, name = 'Ana Quispe'): Promise<TestUser> {
  return registerUserWithEmail(t, `user-${unique()}@example.org`, name);
}

/** registerUser with a chosen address (normalised as the API would). */
export async function registerUserWithEmail(t: TestApp, address: string, name: string): Promise<TestUser> {
  const email = address.trim().toLowerCase();
  const res = await t.gql(REGISTER, { input: { email, password: PASSWORD, displayName: name } });
  if (res.errors || res.data.register !== true) throw new Error(JSON.stringify(res.errors ?? res.data));
  if (t.mailbox) {
    const { token } = linkIn(await t.mailbox.next(email, (m) => m.text.includes('/l/verify-email/')), 'verify-email');
    const verified = await t.gql(`mutation($token: String!) { verifyEmail(token: $token) { accessToken refreshToken user { id email } } }`, { token });
    if (verified.errors) throw new Error(JSON.stringify(verified.errors));
    const { accessToken, refreshToken, user } = verified.data.verifyEmail;
    return { id: user.id, email, token: accessToken, refreshToken };
  }
  await markVerifiedForTests(t, email, name);
  return login(t, email);
}

let passwordHash: Promise<string> | undefined;

/** Test-only shortcut: the account `register` would have made, already verified, written in SQL. */
export async function markVerifiedForTests(t: TestApp, email: string, name: string): Promise<void> {
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  await withDb(t.databaseUrl, (db) =>
    db.query(
      `INSERT INTO users (email, display_name, password_hash, email_verified_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (email) DO UPDATE SET email_verified_at = now()`,
      [email, name, hash],
    ),
  );
}

/** Signs a verified user in with PASSWORD. */
export async function login(t: TestApp, email: string, password = PASSWORD): Promise<TestUser> {
  const res = await t.gql(LOGIN, { input: { email, password } });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  const { accessToken, refreshToken, user } = res.data.login;
  return { id: user.id, email, token: accessToken, refreshToken };
}

export async function createOrganisation(t: TestApp, admin: TestUser, name = `Friends of Bolivia ${unique()}`): Promise<{ id: string; slug: string }> {
  const res = await t.gql(`mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id slug } }`, { input: { name } }, admin.token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.createOrganisation;
}

/** Created by an admin, who becomes its first organiser. */
export async function createChapter(
  t: TestApp,
  admin: TestUser,
  organisationId: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; slug: string }> {
  const res = await t.gql(
    `mutation($input: CreateChapterInput!) { createChapter(input: $input) { id slug } }`,
    { input: { organisationId, name: `London ${unique()}`, timeZone: 'Europe/London', ...extra } },
    admin.token,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.createChapter;
}

/** Joins an OPEN chapter; returns the membership id. */
export async function joinChapter(t: TestApp, user: TestUser, chapterId: string): Promise<string> {
  const res = await t.gql(JOIN_CHAPTER, { id: chapterId }, user.token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.joinChapter.id;
}

/** Makes `user` an ACTIVE organiser of an OPEN chapter, acting as `admin`. */
export async function makeOrganiser(t: TestApp, admin: TestUser, user: TestUser, chapterId: string): Promise<string> {
  const membershipId = await joinChapter(t, user, chapterId);
  const res = await t.gql(`mutation($id: ID!) { setMembershipRole(membershipId: $id, role: ORGANISER) { id } }`, { id: membershipId }, admin.token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return membershipId;
}

export async function createApiKey(t: TestApp, admin: TestUser, organisationId: string, scopes: string[]): Promise<{ id: string; secret: string }> {
  const res = await t.gql(
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`,
    { input: { organisationId, name: 'Partner site', scopes } },
    admin.token,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return { id: res.data.createApiKey.apiKey.id, secret: res.data.createApiKey.secret };
}

export async function revokeApiKey(t: TestApp, admin: TestUser, id: string): Promise<void> {
  const res = await t.gql(REVOKE_API_KEY, { id }, admin.token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
}

export const codeOf = (res: { errors?: Array<{ extensions: { code: string } }> }) => res.errors?.[0]?.extensions.code;

/** A DRAFT event of `chapterId` created by `organiser`: a week from now, two hours long, PUBLIC unless `extra` says otherwise. */
export async function createEvent(
  t: TestApp,
  organiser: TestUser,
  chapterId: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; title: string }> {
  const startsAt = new Date(Date.now() + 7 * 24 * 3600_000);
  const res = await t.gql(
    `mutation($input: CreateEventInput!) { createEvent(input: $input) { id title } }`,
    {
      input: {
        chapterId,
        title: `Vigil ${unique()}`,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 2 * 3600_000).toISOString(),
        timeZone: 'Europe/London',
        ...extra,
      },
    },
    organiser.token,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.createEvent;
}

export async function publishEvent(t: TestApp, organiser: TestUser, eventId: string): Promise<void> {
  const res = await t.gql(PUBLISH_EVENT, { id: eventId }, organiser.token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
}

/** A DRAFT petition made by `by` (an organiser of `chapterId`, or an admin when `chapterId` is null for an organisation-wide one). */
export async function createPetition(
  t: TestApp,
  by: TestUser | string,
  organisationId: string,
  chapterId: string | null,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; slug: string; title: string }> {
  const res = await t.gql(
    `mutation($input: CreatePetitionInput!) { createPetition(input: $input) { id slug title } }`,
    {
      input: {
        organisationId,
        ...(chapterId ? { chapterId } : {}),
        title: `Free the river ${unique()}`,
        target: 'The Minister of Water',
        body: 'Stop the dam.',
        ...extra,
      },
    },
    typeof by === 'string' ? by : by.token,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.createPetition;
}

export async function openPetition(t: TestApp, by: TestUser | string, petitionId: string): Promise<void> {
  const res = await t.gql(OPEN_PETITION, { id: petitionId }, typeof by === 'string' ? by : by.token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
}

/** A reading list of `chapterId` made by `by` (an organiser or admin token, or a READING_LISTS_WRITE key). */
export async function createReadingList(
  t: TestApp,
  by: TestUser | string,
  chapterId: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; title: string }> {
  const res = await t.gql(
    `mutation($input: CreateReadingListInput!) { createReadingList(input: $input) { id title } }`,
    { input: { chapterId, title: `Reading circle ${unique()}`, ...extra } },
    typeof by === 'string' ? by : by.token,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.createReadingList;
}

/** A BOOK item added to `listId` (at the end unless `position`); returns its id and position. */
export async function addReadingListItem(
  t: TestApp,
  by: TestUser | string,
  listId: string,
  extra: Record<string, unknown> = {},
  position?: number,
): Promise<{ id: string; position: number; title: string }> {
  const res = await t.gql(
    `mutation($listId: ID!, $input: ReadingListItemInput!, $position: Int) { addReadingListItem(listId: $listId, input: $input, position: $position) { id position title } }`,
    { listId, input: { kind: 'BOOK', title: `Book ${unique()}`, ...extra }, position },
    typeof by === 'string' ? by : by.token,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.addReadingListItem;
}

/** Makes `user` an ADMIN of the organisation the only way there is: `admin` invites their address and they accept. */
export async function makeAdmin(t: TestApp, admin: TestUser, user: TestUser, organisationId: string): Promise<void> {
  const invited = await t.gql(
    `mutation($o: ID!, $email: String!) { inviteOrganisationAdmin(organisationId: $o, email: $email) { token } }`,
    { o: organisationId, email: user.email },
    admin.token,
  );
  if (invited.errors) throw new Error(JSON.stringify(invited.errors));
  const accepted = await t.gql(
    `mutation($token: String!) { acceptAdminInvitation(token: $token) { id } }`,
    { token: invited.data.inviteOrganisationAdmin.token },
    user.token,
  );
  if (accepted.errors) throw new Error(JSON.stringify(accepted.errors));
}

/**
 * Test-only shortcut for apps without workers (JOBS_ENABLED=false, no mailbox): takes the signatures
 * signPetition queued, stores them as the job would (in queue order, so the first of an address is
 * the one kept) and confirms each as its emailed link would. Returns how many were newly confirmed.
 * Specs about the emails and links themselves start their app with a mailbox instead.
 */
export async function confirmQueuedSignatures(t: TestApp): Promise<number> {
  // signPetition's inbox rows first become their jobs, as the drain job would do.
  await t.app.get(DrainSignatureInboxJob).drain();
  const rows: Array<{ id: string; payload: NewSignature }> = await t.app.get(DataSource).query(
    `WITH taken AS (
       DELETE FROM graphile_worker._private_jobs j USING graphile_worker._private_tasks k
        WHERE k.id = j.task_id AND k.identifier = 'petitions:receive-signature' RETURNING j.id, j.payload
     )
     SELECT id::text, payload FROM taken`,
  );
  rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  const job = t.app.get(ReceiveSignatureJob);
  const confirmation = t.app.get(SignatureConfirmationService);
  let confirmed = 0;
  for (const { payload } of rows) {
    const { id } = await job.store(payload);
    if (await confirmation.confirmById(id)) confirmed++;
  }
  return confirmed;
}

/** With a mailbox (workers running): the confirmation link mailed to `email` for the petition titled `title`, followed through confirmSignature. */
export async function confirmByMail(t: TestApp, email: string, title?: string): Promise<void> {
  const mail = await t.mailbox!.next(email, (m) => m.text.includes('/l/signature/') && (!title || m.subject.includes(title)));
  const { token } = linkIn(mail, 'signature');
  const res = await t.gql(`mutation($token: String!) { confirmSignature(token: $token) { id } }`, { token });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
}

/**
 * Every signature PostgreSQL holds, stored or still queued (anonymous signatures are inbox rows, then
 * queued jobs, until a worker stores them): `FROM ${STORED_SIGNATURES}` in place of `FROM signatures`
 * where a spec checks that an acknowledged signature is durable. Columns: petition_id (text), email.
 */
export const STORED_SIGNATURES = `(
  SELECT petition_id::text, payload->>'email' AS email FROM signature_inbox
  UNION
  SELECT j.payload->>'petitionId' AS petition_id, j.payload->>'email' AS email
    FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id
   WHERE k.identifier = 'petitions:receive-signature'
  UNION -- a stored signature's job may still be queued (its mail not yet sent, or retried): one row each
  SELECT petition_id::text, email FROM signatures
) AS signatures`;
