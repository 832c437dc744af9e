import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { BenchServer, signUp, startServerProcess } from './support';

const SIGN = `mutation Sign($input: SignPetitionInput!) { signPetition(input: $input) { petition { id } } }`;
const CONFIRM = `mutation Confirm($t: String!) { confirmSignature(token: $t) { id } }`;
/** The limits never refuse the benchmark's single client address (they still run); nor the mail cap. */
const UNLIMITED = { RATE_LIMIT_SIGN_PER_MINUTE: '1000000000', RATE_LIMIT_SIGN_PER_HOUR: '1000000000', MAIL_PER_ADDRESS_PER_HOUR: '1000' };
const SIGNATURES = Number(process.env.BENCH_OPTIN_SIGNATURES ?? 2000);
const TIMING_SAMPLES = Number(process.env.BENCH_OPTIN_SAMPLES ?? 1000);
const CLIENTS = 16;

/** An in-process SMTP server: every message's signature link token, and when it arrived. */
async function startSink(): Promise<{ url: string; tokens: Map<string, string>; arrivals: number[]; close(): Promise<void> }> {
  const tokens = new Map<string, string>();
  const arrivals: number[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const match = /\/l\/signature\/([A-Za-z0-9_%-]+)/.exec(mail.text ?? '');
          if (match) tokens.set(session.envelope.rcptTo[0].address.toLowerCase(), decodeURIComponent(match[1]));
          arrivals.push(performance.now());
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, tokens, arrivals, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function post(url: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Runs `tasks` with `concurrency` in flight. */
async function pool(concurrency: number, tasks: Array<() => Promise<unknown>>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tasks.length) await tasks[next++]();
    }),
  );
}

async function openPetition(s: BenchServer): Promise<{ petitionId: string; organisationId: string }> {
  const admin = await signUp(s, 'optin-admin@example.org');
  const token = admin.register.accessToken;
  const org = (await s.gql(`mutation { createOrganisation(input: { name: "Friends of Bolivia" }) { id } }`, {}, token)).createOrganisation;
  const input = { organisationId: org.id, title: 'Free the river', target: 'The Minister of Water', body: 'Stop the dam.' };
  const { id } = (await s.gql(`mutation($input: CreatePetitionInput!) { createPetition(input: $input) { id } }`, { input }, token)).createPetition;
  await s.gql(`mutation($id: ID!) { openPetition(id: $id) { id } }`, { id }, token);
  return { petitionId: id, organisationId: org.id };
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/**
 * Double opt-in through the queue: emails/s (signatures stored and mailed by the jobs to an
 * in-process SMTP server), confirmations/s (confirmSignature with the mailed tokens), and the
 * request-path timing of signPetition for a new address against an already-signed one.
 */
export async function optInBenchmark(s: BenchServer): Promise<void> {
  console.log(`\n## Double opt-in (${SIGNATURES} signatures through the queue, ${CLIENTS} clients)`);
  const { petitionId } = await openPetition(s);
  const sink = await startSink();
  const server = await startServerProcess(s, 1, { ...UNLIMITED, JOBS_ENABLED: 'true', SMTP_URL: sink.url });
  try {
    const emails = Array.from({ length: SIGNATURES }, (_, i) => `optin-${i}@example.org`);
    const started = performance.now();
    await pool(
      CLIENTS,
      emails.map((email) => () => post(server.url, SIGN, { input: { petitionId, fullName: 'Ana María Quispe', email } })),
    );
    const signed = performance.now();
    while (sink.tokens.size < SIGNATURES) await new Promise((resolve) => setTimeout(resolve, 50));
    const mailed = performance.now();
    console.log(`signPetition (queued): ${(SIGNATURES / ((signed - started) / 1000)).toFixed(0)} requests/s`);
    console.log(
      `emails through the queue (store + mail, SMTP to an in-process server): ${(SIGNATURES / ((mailed - started) / 1000)).toFixed(0)}/s from the first request, all ${SIGNATURES} in ${((mailed - started) / 1000).toFixed(1)} s`,
    );
    const confirmStarted = performance.now();
    await pool(
      CLIENTS,
      emails.map((email) => () => post(server.url, CONFIRM, { t: sink.tokens.get(email) })),
    );
    const confirmSeconds = (performance.now() - confirmStarted) / 1000;
    const { rows } = await s.sql.query(`SELECT sum(count)::int AS n FROM petition_signature_counts WHERE petition_id = $1`, [petitionId]);
    console.log(`confirmSignature: ${(SIGNATURES / confirmSeconds).toFixed(0)} confirmations/s; signatureCount ${rows[0].n} (expected ${SIGNATURES})`);
  } finally {
    await server.stop();
    await sink.close();
  }

  // Request-path timing, jobs off (what the request does, not what the worker does after): one
  // connection, new and already-signed (confirmed) addresses alternating.
  const timingServer = await startServerProcess(s, 1, UNLIMITED);
  try {
    const samples = { new: [] as number[], signed: [] as number[] };
    for (let i = 0; i < 200; i++) await post(timingServer.url, SIGN, { input: { petitionId, fullName: 'Warm Up', email: `warm-${i}@example.org` } });
    for (let i = 0; i < TIMING_SAMPLES; i++) {
      for (const kind of (i % 2 ? ['new', 'signed'] : ['signed', 'new']) as Array<'new' | 'signed'>) {
        const email = kind === 'new' ? `fresh-${i}@example.org` : `optin-${i % SIGNATURES}@example.org`;
        const t0 = performance.now();
        await post(timingServer.url, SIGN, { input: { petitionId, fullName: 'Ana María Quispe', email } });
        samples[kind].push(performance.now() - t0);
      }
    }
    const report = (kind: 'new' | 'signed') => {
      const sorted = [...samples[kind]].sort((a, b) => a - b);
      return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
    };
    const a = report('new');
    const b = report('signed');
    console.log(
      `request path, ${TIMING_SAMPLES} samples each: new address p50 ${a.p50.toFixed(3)} ms p99 ${a.p99.toFixed(3)} ms; ` +
        `already signed p50 ${b.p50.toFixed(3)} ms p99 ${b.p99.toFixed(3)} ms; difference p50 ${(b.p50 - a.p50).toFixed(3)} ms, p99 ${(b.p99 - a.p99).toFixed(3)} ms`,
    );
  } finally {
    await timingServer.stop();
  }
}
