import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as { __mareaEmbedded?: { stop(): Promise<void> } }).__mareaEmbedded;
  if (embedded) return embedded.stop();
  // On a given server, drop what this run created.
  const admin = new Client({ connectionString: process.env.MAREA_TEST_SERVER_URL });
  await admin.connect();
  const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'marea_t_%' OR datname = $1`, [process.env.MAREA_TEST_TEMPLATE]);
  for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await admin.end();
}
