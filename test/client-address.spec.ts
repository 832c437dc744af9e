import { clientAddress } from '../src/common/rate-limit/client-address';
import { codeOf, createChapter, createOrganisation, createPetition, openPetition, registerUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

describe('clientAddress (the client per-IP rate limits count)', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(clientAddress('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 address, in either notation', () => {
    expect(clientAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddress('::ffff:cb00:7107')).toBe('203.0.113.7');
    expect(clientAddress('0:0:0:0:0:ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts every address of one IPv6 /64 as one client', () => {
    const key = clientAddress('2001:db8:1:2:3:4:5:6');
    expect(key).toBe('2001:db8:1:2::/64');
    for (const other of ['2001:db8:1:2::9', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:DB8:1:2::', '[2001:db8:1:2::1]', '2001:db8:1:2::1%eth0']) {
      expect(clientAddress(other)).toBe(key);
    }
  });

  it('tells neighbouring /64s and other address kinds apart', () => {
    expect(clientAddress('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(clientAddress('::1')).toBe('0:0:0:0::/64');
    expect(clientAddress('64:ff9b::203.0.113.7')).toBe('64:ff9b:0:0::/64');
  });

  it('keeps what is not an address (no socket address known)', () => {
    expect(clientAddress('unknown')).toBe('unknown');
  });
});

describe('per-IP limits other than login count clients the same way (signing)', () => {
  let t: TestApp;
  let petitionId: string;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_SIGN_PER_MINUTE: '2', TRUST_PROXY: 'true' });
    const admin = await registerUser(t);
    const org = await createOrganisation(t, admin);
    const chapter = await createChapter(t, admin, org.id);
    petitionId = (await createPetition(t, admin, org.id, chapter.id)).id;
    await openPetition(t, admin, petitionId);
  });
  afterAll(() => t?.close());

  let n = 0;
  const signFrom = (ip: string) =>
    t.gql(
      'mutation($input: SignPetitionInput!) { signPetition(input: $input) { petition { id } } }',
      { input: { petitionId, fullName: 'Ana Quispe', email: `signer-${n++}@example.org` } },
      undefined,
      { 'x-forwarded-for': ip },
    );

  it('refuses the third signature a minute from anywhere in one IPv6 /64, not from the next /64', async () => {
    expect((await signFrom('2001:db8:5:6::1')).errors).toBeUndefined();
    expect((await signFrom('2001:db8:5:6:aaaa::2')).errors).toBeUndefined();
    expect(codeOf(await signFrom('2001:db8:5:6:ffff:ffff:ffff:ffff'))).toBe('RATE_LIMITED');
    expect((await signFrom('2001:db8:5:7::1')).errors).toBeUndefined();
  });

  it('counts an IPv4-mapped address as its IPv4 address', async () => {
    expect((await signFrom('198.51.100.77')).errors).toBeUndefined();
    expect((await signFrom('::ffff:198.51.100.77')).errors).toBeUndefined();
    expect(codeOf(await signFrom('::ffff:c633:644d'))).toBe('RATE_LIMITED');
  });
});
