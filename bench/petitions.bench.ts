import { readFileSync } from 'node:fs';
import { Pool } from 'pg';
import { QUEUE_STATEMENT, queueParameters } from '../src/modules/petitions/signature-batcher';
import { BenchServer, printLoad, signUp, runLoad, startServerProcess } from './support';

const CLIENTS = 64;
const SIGN = `mutation Sign($input: SignPetitionInput!) { signPetition(input: $input) { petition { id } } }`;
/** High enough that the limits never refuse the benchmark's single client address (they still run). */
const UNLIMITED = { RATE_LIMIT_SIGN_PER_MINUTE: '1000000000', RATE_LIMIT_SIGN_PER_HOUR: '1000000000' };

/** An organisation, a chapter and `count` OPEN petitions; returns their ids and the admin's token. */
async function seedPetitions(s: BenchServer, count: number): Promise<{ token: string; petitionIds: string[] }> {
  const admin = await signUp(s, 'petitions-admin@example.org');
  const token = admin.register.accessToken;
  const org = (await s.gql(`mutation { createOrganisation(input: { name: "Friends of Bolivia" }) { id } }`, {}, token)).createOrganisation;
  const chapter = (
    await s.gql(
      `mutation($input: CreateChapterInput!) { createChapter(input: $input) { id } }`,
      { input: { organisationId: org.id, name: 'London', timeZone: 'Europe/London' } },
      token,
    )
  ).createChapter;
  const petitionIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const input = { organisationId: org.id, chapterId: chapter.id, title: `Petition ${i + 1}`, target: 'The Foreign Secretary', body: 'Act now.' };
    const { id } = (await s.gql(`mutation($input: CreatePetitionInput!) { createPetition(input: $input) { id } }`, { input }, token)).createPetition;
    await s.gql(`mutation($id: ID!) { openPetition(id: $id) { id } }`, { id }, token);
    petitionIds.push(id);
  }
  return { token, petitionIds };
}

async function countsOf(s: BenchServer, petitionId: string): Promise<{ rows: number }> {
  const { rows } = await s.sql.query(
    // Anonymous signatures are queued (double opt-in): one inbox row each, then one job each once drained; counted once confirmed.
    `SELECT (SELECT count(*)::int FROM signature_inbox WHERE petition_id = $1)
          + (SELECT count(*)::int FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id
              WHERE k.identifier = 'petitions:receive-signature' AND j.payload->>'petitionId' = $1::text) AS rows`,
    [petitionId],
  );
  return rows[0];
}

/** The statement signPetition sends, run directly by CLIENTS connections for `seconds`. */
async function rawSigning(s: BenchServer, petitionId: string, seconds: number): Promise<{ perSecond: number; p50: number; p99: number; errors: number }> {
  const pool = new Pool({ connectionString: s.databaseUrl, max: CLIENTS });
  const latencies: number[] = [];
  let errors = 0;
  let sequence = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < deadline) {
        const started = performance.now();
        try {
          await pool.query({
            name: 'sign',
            text: QUEUE_STATEMENT,
            values: queueParameters(petitionId, [
              {
                petitionId,
                fullName: 'Ana María Quispe',
                email: `raw-${++sequence}@example.org`,
                postcode: null,
                country: 'BO',
                comment: null,
                displayPublicly: true,
                contactConsent: true,
                consentWordingId: null,
                source: 'bench',
              },
            ]),
          });
          latencies.push(performance.now() - started);
        } catch {
          errors++;
        }
      }
    }),
  );
  await pool.end();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors };
}

export async function signingBenchmark(s: BenchServer, durationSeconds: number): Promise<void> {
  console.log(`\n## Signing one petition (${CLIENTS} clients, distinct emails)`);
  const { petitionIds } = await seedPetitions(s, 2);
  const server = await startServerProcess(s, 1, UNLIMITED);
  const input = {
    petitionId: petitionIds[0],
    fullName: 'Ana María Quispe',
    email: '',
    country: 'BO',
    displayPublicly: true,
    contactConsent: true,
    source: 'bench',
  };
  let result;
  try {
    result = await runLoad({ url: server.url, connections: CLIENTS, durationSeconds, query: SIGN, variables: [{ input }], uniqueEmail: 'email' });
  } finally {
    await server.stop();
  }
  printLoad(`signPetition over GraphQL, ${CLIENTS} connections, ${durationSeconds} s`, result);
  const { rows } = await countsOf(s, petitionIds[0]);
  console.log(
    `acknowledged ${result.acknowledged}, queued signatures (inbox rows and jobs) ${rows}: ` +
      `lost ${Math.max(0, result.acknowledged - rows)}, ` +
      `committed but unanswered when the load stopped ${Math.max(0, rows - result.acknowledged)}`,
  );

  const raw = await rawSigning(s, petitionIds[1], durationSeconds);
  console.log(
    `the same statement (queueing the signature) as raw SQL, ${CLIENTS} connections: ${raw.perSecond.toFixed(0)} signatures/s, p50 ${raw.p50} ms, p99 ${raw.p99} ms, errors ${raw.errors}`,
  );
  console.log(`ratio GraphQL / raw SQL: ${(result.requestsPerSecond / raw.perSecond).toFixed(2)}`);
}

const EXPORT_ROWS = 1_000_000;

/** Resident set size of a process in MB, from /proc. */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

export async function exportBenchmark(s: BenchServer): Promise<void> {
  console.log(`\n## Signatures CSV export (${EXPORT_ROWS.toLocaleString('en')} signatures)`);
  const { token, petitionIds } = await seedPetitions(s, 1);
  const started = Date.now();
  await s.sql.query(
    `INSERT INTO signatures (petition_id, full_name, email, postcode, country, comment, display_publicly, contact_consent, source, created_at, confirmed_at)
     SELECT $1, 'Signer ' || g, 'signer-' || g || '@example.org', 'SW1A 1AA', 'GB', CASE WHEN g % 10 = 0 THEN '=HYPERLINK("x")' END, g % 2 = 0, g % 3 = 0, 'bench',
            now() - g * interval '1 second', now() - g * interval '1 second'
       FROM generate_series(1, $2::int) g`,
    [petitionIds[0], EXPORT_ROWS],
  );
  await s.sql.query('ANALYZE signatures');
  console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const server = await startServerProcess(s, 1);
  try {
    await fetch(`${server.url}/health/ready`);
    const before = rssMb(server.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.pid))), 50);
    const t0 = performance.now();
    const response = await fetch(`${server.url}/exports/petitions/${petitionIds[0]}/signatures.csv`, { headers: { authorization: `Bearer ${token}` } });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines++;
    }
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, rssMb(server.pid));
    console.log(
      `HTTP ${response.status}: ${lines - 1} data rows (${(bytes / 1e6).toFixed(0)} MB) in ${seconds.toFixed(1)} s; ` +
        `server RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB (growth ${(peak - before).toFixed(0)} MB)`,
    );
  } finally {
    await server.stop();
  }
}
