import { randomBytes, randomUUID } from 'node:crypto';
import { dbClient, DbClient } from './support/db';
import { PUBLIC_QUERY, REVOKE_API_KEY } from './support/documents';
import { codeOf, createApiKey, createChapter, createOrganisation, joinChapter, registerUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { id name prefix scopes createdAt lastUsedAt revokedAt organisation { id } } }
}`;
const LIST_KEYS = `query($id: ID!) { apiKeys(organisationId: $id) { id name prefix scopes lastUsedAt revokedAt organisation { id } } }`;
const MEMBERS = `query($id: ID!) { chapter(id: $id) { id name memberCount members { totalCount edges { node { role status user { displayName } } } } } }`;

/** The people and places of this spec, built once in beforeAll. */
interface ApiKeysWorld {
  admin: TestUser;
  outsider: TestUser;
  member: TestUser;
  org: { id: string; slug: string };
  chapter: { id: string };
}

describe('API keys', () => {
  let t: TestApp;
  let db: DbClient;
  const w = {} as ApiKeysWorld;

  beforeAll(async () => {
    t = await startTestApp();
    db = await dbClient(t.databaseUrl);
    w.admin = await registerUser(t, 'Ana Quispe');
    w.outsider = await registerUser(t, 'Otto Outsider');
    w.member = await registerUser(t, 'Juan Mamani');
    w.org = await createOrganisation(t, w.admin);
    w.chapter = await createChapter(t, w.admin, w.org.id);
    await joinChapter(t, w.member, w.chapter.id);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const listKeys = (token?: string, organisationId = w.org.id) => t.gql(LIST_KEYS, { id: organisationId }, token);
  const keyCount = async () => (await db.query('SELECT count(*)::int AS n FROM api_keys WHERE organisation_id = $1', [w.org.id])).rows[0].n as number;

  describe('creating and listing', () => {
    it('an admin creates a key: the secret is shown once, recognisable by its prefix, stored hashed', async () => {
      const res = await t.gql(
        CREATE_KEY,
        { input: { organisationId: w.org.id, name: 'Partner site', scopes: ['EVENTS_READ', 'MEMBERS_READ'] } },
        w.admin.token,
      );
      expect(res.errors).toBeUndefined();
      const { secret, apiKey } = res.data.createApiKey;
      expect(secret).toMatch(/^mk_[A-Za-z0-9_-]{20,}$/);
      expect(apiKey.prefix.length).toBeGreaterThan('mk_'.length);
      expect(apiKey.prefix.length).toBeLessThan(secret.length / 2);
      expect(secret.startsWith(apiKey.prefix)).toBe(true);
      expect(apiKey).toMatchObject({ name: 'Partner site', lastUsedAt: null, revokedAt: null, organisation: { id: w.org.id } });
      expect([...apiKey.scopes].sort()).toEqual(['EVENTS_READ', 'MEMBERS_READ']);

      const list = await listKeys(w.admin.token);
      expect(list.errors).toBeUndefined();
      const listed = list.data.apiKeys.find((k: { id: string }) => k.id === apiKey.id);
      expect(listed).toMatchObject({ id: apiKey.id, prefix: apiKey.prefix, name: 'Partner site' });
      expect(JSON.stringify(list)).not.toContain(secret);

      const { rows } = await db.query('SELECT * FROM api_keys WHERE id = $1', [apiKey.id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].secret_hash).not.toBe(secret);
      expect(rows[0].prefix).toBe(apiKey.prefix);
      expect(JSON.stringify(rows[0])).not.toContain(secret);
    });

    it('a signed-in user who is not an admin of the organisation gets FORBIDDEN', async () => {
      const before = await keyCount();
      for (const user of [w.outsider, w.member]) {
        const create = await t.gql(CREATE_KEY, { input: { organisationId: w.org.id, name: 'Sneaky', scopes: ['MEMBERS_READ'] } }, user.token);
        expect(codeOf(create)).toBe('FORBIDDEN');
        expect(create.data).toBeNull();
        const list = await listKeys(user.token);
        expect(codeOf(list)).toBe('FORBIDDEN');
        expect(list.data).toBeNull();
      }
      expect(await keyCount()).toBe(before);
    });

    it('an admin of another organisation gets FORBIDDEN', async () => {
      const otherAdmin = await registerUser(t);
      await createOrganisation(t, otherAdmin);
      const before = await keyCount();
      expect(codeOf(await listKeys(otherAdmin.token))).toBe('FORBIDDEN');
      const create = await t.gql(CREATE_KEY, { input: { organisationId: w.org.id, name: 'Sneaky', scopes: ['MEMBERS_READ'] } }, otherAdmin.token);
      expect(codeOf(create)).toBe('FORBIDDEN');
      expect(await keyCount()).toBe(before);
    });

    it('anonymous callers get UNAUTHENTICATED', async () => {
      const before = await keyCount();
      const create = await t.gql(CREATE_KEY, { input: { organisationId: w.org.id, name: 'Anon', scopes: ['MEMBERS_READ'] } });
      expect(codeOf(create)).toBe('UNAUTHENTICATED');
      expect(create.data).toBeNull();
      expect(codeOf(await listKeys())).toBe('UNAUTHENTICATED');
      expect(await keyCount()).toBe(before);
    });

    it('an API key cannot create, list or revoke API keys', async () => {
      const key = await createApiKey(t, w.admin, w.org.id, ['MEMBERS_READ', 'EVENTS_WRITE']);
      const before = await keyCount();
      const create = await t.gql(CREATE_KEY, { input: { organisationId: w.org.id, name: 'Child key', scopes: ['MEMBERS_READ'] } }, key.secret);
      expect(codeOf(create)).toBe('FORBIDDEN');
      expect(create.data).toBeNull();
      expect(codeOf(await listKeys(key.secret))).toBe('FORBIDDEN');
      const revoke = await t.gql(REVOKE_API_KEY, { id: key.id }, key.secret);
      expect(codeOf(revoke)).toBe('FORBIDDEN');
      expect(await keyCount()).toBe(before);
      const { rows } = await db.query('SELECT revoked_at FROM api_keys WHERE id = $1', [key.id]);
      expect(rows[0].revoked_at).toBeNull();
    });

    it('refuses an empty scope list and unknown scopes', async () => {
      const empty = await t.gql(CREATE_KEY, { input: { organisationId: w.org.id, name: 'No scopes', scopes: [] } }, w.admin.token);
      expect(codeOf(empty)).toBe('BAD_USER_INPUT');
      expect(empty.errors![0].extensions.fields).toHaveProperty('scopes');
      const unknown = await t.gql(CREATE_KEY, { input: { organisationId: w.org.id, name: 'Root', scopes: ['EVERYTHING'] } }, w.admin.token);
      expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
    });
  });

  describe('using a key', () => {
    it('works for a public query, and acts as no user', async () => {
      const key = await createApiKey(t, w.admin, w.org.id, ['EVENTS_READ']);
      const res = await t.gql(`{ organisations { totalCount } me { id } }`, {}, key.secret);
      expect(res.errors).toBeUndefined();
      expect(res.data.organisations.totalCount).toBeGreaterThanOrEqual(1);
      expect(res.data.me).toBeNull();
    });

    it('an unknown key is UNAUTHENTICATED for the whole request', async () => {
      const res = await t.gql(PUBLIC_QUERY, {}, `mk_${randomBytes(32).toString('base64url')}`);
      expect(codeOf(res)).toBe('UNAUTHENTICATED');
      expect(res.data?.organisations).toBeUndefined();
    });

    it('with MEMBERS_READ lists the chapter members', async () => {
      const key = await createApiKey(t, w.admin, w.org.id, ['MEMBERS_READ']);
      const res = await t.gql(MEMBERS, { id: w.chapter.id }, key.secret);
      expect(res.errors).toBeUndefined();
      expect(res.data.chapter.members.totalCount).toBe(2);
      expect(res.data.chapter.members.edges.map((e: any) => e.node.user.displayName).sort()).toEqual(['Ana Quispe', 'Juan Mamani']);
    });

    it('without MEMBERS_READ gets members: null with FORBIDDEN at that path, the rest intact', async () => {
      const key = await createApiKey(t, w.admin, w.org.id, ['EVENTS_READ', 'PETITIONS_READ']);
      const res = await t.gql(MEMBERS, { id: w.chapter.id }, key.secret);
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0].extensions.code).toBe('FORBIDDEN');
      expect(res.errors![0].path).toEqual(['chapter', 'members']);
      expect(res.data.chapter).toMatchObject({ id: w.chapter.id, memberCount: 2, members: null });
      expect(res.data.chapter.name).toEqual(expect.any(String));
    });

    it('a MEMBERS_READ key of another organisation may not list this chapter’s members', async () => {
      const otherAdmin = await registerUser(t);
      const otherOrg = await createOrganisation(t, otherAdmin);
      const foreignKey = await createApiKey(t, otherAdmin, otherOrg.id, ['MEMBERS_READ']);
      const res = await t.gql(MEMBERS, { id: w.chapter.id }, foreignKey.secret);
      expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
      expect(res.errors?.[0].path).toEqual(['chapter', 'members']);
      expect(res.data.chapter.members).toBeNull();
      expect(res.data.chapter.id).toBe(w.chapter.id);
    });

    it('records lastUsedAt after a use', async () => {
      const key = await createApiKey(t, w.admin, w.org.id, ['EVENTS_READ']);
      const lastUsed = async () => (await listKeys(w.admin.token)).data.apiKeys.find((k: { id: string }) => k.id === key.id).lastUsedAt as string | null;
      expect(await lastUsed()).toBeNull();
      const before = Date.now();
      expect((await t.gql(PUBLIC_QUERY, {}, key.secret)).errors).toBeUndefined();
      // The write is fire-and-forget: give it a bounded number of turns to land.
      let value: string | null = null;
      for (let attempt = 0; attempt < 50 && value === null; attempt++) {
        await new Promise(setImmediate);
        value = await lastUsed();
      }
      expect(value).not.toBeNull();
      expect(new Date(value!).getTime()).toBeGreaterThanOrEqual(before - 5_000);
      expect(new Date(value!).getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
    });
  });

  describe('revoking', () => {
    it('a revoked key is refused at once with UNAUTHENTICATED, even for public queries', async () => {
      const key = await createApiKey(t, w.admin, w.org.id, ['MEMBERS_READ']);
      expect((await t.gql(MEMBERS, { id: w.chapter.id }, key.secret)).errors).toBeUndefined();
      const res = await t.gql(REVOKE_API_KEY, { id: key.id }, w.admin.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.revokeApiKey).toEqual({ id: key.id, revokedAt: expect.any(String) });

      const members = await t.gql(MEMBERS, { id: w.chapter.id }, key.secret);
      expect(codeOf(members)).toBe('UNAUTHENTICATED');
      expect(members.data?.chapter).toBeUndefined();
      const publicQuery = await t.gql(PUBLIC_QUERY, {}, key.secret);
      expect(codeOf(publicQuery)).toBe('UNAUTHENTICATED');
      expect(publicQuery.data?.organisations).toBeUndefined();

      const listed = (await listKeys(w.admin.token)).data.apiKeys.find((k: { id: string }) => k.id === key.id);
      expect(listed.revokedAt).toEqual(res.data.revokeApiKey.revokedAt);
    });

    it('revoking twice keeps the first revocation time', async () => {
      const key = await createApiKey(t, w.admin, w.org.id, ['EVENTS_READ']);
      const first = await t.gql(REVOKE_API_KEY, { id: key.id }, w.admin.token);
      const second = await t.gql(REVOKE_API_KEY, { id: key.id }, w.admin.token);
      expect(second.errors).toBeUndefined();
      expect(second.data.revokeApiKey.revokedAt).toBe(first.data.revokeApiKey.revokedAt);
    });

    it('a non-admin gets NOT_FOUND, the same answer as for a key that does not exist, and the key keeps working', async () => {
      const key = await createApiKey(t, w.admin, w.org.id, ['EVENTS_READ']);
      const otherAdmin = await registerUser(t);
      await createOrganisation(t, otherAdmin);
      const missing = await t.gql(REVOKE_API_KEY, { id: randomUUID() }, w.outsider.token);
      expect(codeOf(missing)).toBe('NOT_FOUND');
      for (const user of [w.outsider, w.member, otherAdmin]) {
        const res = await t.gql(REVOKE_API_KEY, { id: key.id }, user.token);
        expect(codeOf(res)).toBe('NOT_FOUND');
        expect(res.errors![0].message).toBe(missing.errors![0].message);
        expect(res.data).toBeNull();
      }
      const { rows } = await db.query('SELECT revoked_at FROM api_keys WHERE id = $1', [key.id]);
      expect(rows[0].revoked_at).toBeNull();
      expect((await t.gql(PUBLIC_QUERY, {}, key.secret)).errors).toBeUndefined();
    });
  });
});
