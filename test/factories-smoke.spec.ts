import { createApiKey, createChapter, createOrganisation, joinChapter, registerUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

describe('factories', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('build an organisation, chapter, member and key through the API', async () => {
    const admin = await registerUser(t);
    const org = await createOrganisation(t, admin);
    const chapter = await createChapter(t, admin, org.id);
    const member = await registerUser(t, 'Juan Mamani');
    await joinChapter(t, member, chapter.id);
    const key = await createApiKey(t, admin, org.id, ['MEMBERS_READ']);
    expect(key.secret).toMatch(/^mk_/);
    const res = await t.gql(`query($id: ID!) { chapter(id: $id) { memberCount members { totalCount edges { node { role user { displayName email } } } } } }`, { id: chapter.id }, key.secret);
    expect(res.errors).toBeUndefined();
    expect(res.data.chapter.memberCount).toBe(2);
    expect(res.data.chapter.members.totalCount).toBe(2);
    expect(res.data.chapter.members.edges.map((e: any) => e.node.user.email)).toEqual([null, null]);
  });
});
