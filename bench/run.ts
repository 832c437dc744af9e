import { eventsBenchmark } from './events.bench';
import { optInBenchmark } from './opt-in.bench';
import { exportBenchmark, signingBenchmark } from './petitions.bench';
import { readingListBenchmark } from './reading-lists.bench';
import { startBenchServer } from './support';
import { webhooksBenchmark } from './webhooks.bench';

/**
 * `npm run bench [-- names...]`: seeds a fresh database (on DATABASE_URL's server, or an embedded
 * PostgreSQL) and prints statement counts and throughput. BENCH_SECONDS sets each load's duration.
 */
const BENCHMARKS: Record<string, typeof eventsBenchmark> = {
  events: eventsBenchmark,
  signing: signingBenchmark,
  export: exportBenchmark,
  'reading-list': readingListBenchmark,
  webhooks: webhooksBenchmark,
  'opt-in': optInBenchmark,
};

async function main(): Promise<void> {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(BENCHMARKS);
  const unknown = names.filter((n) => !BENCHMARKS[n]);
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  const seconds = Number(process.env.BENCH_SECONDS ?? 15);
  console.log(`# Marea benchmarks (${process.env.DATABASE_URL ? 'PostgreSQL at DATABASE_URL' : 'embedded PostgreSQL'}, Node ${process.version})`);
  for (const name of names) {
    const server = await startBenchServer();
    try {
      await BENCHMARKS[name](server, seconds);
    } finally {
      await server.close();
    }
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
