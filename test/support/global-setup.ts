import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/common/database/embedded-postgres';
import { migrate } from '../../src/database/migrate';

const TEMPLATE = `marea_template_${process.pid}`;

/**
 * Starts one PostgreSQL for the run (embedded unless DATABASE_URL is set), migrates a template
 * database once, and hands its name to the workers; each test file clones it.
 */
export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'marea-test-')), ephemeral: true });
    (globalThis as { __mareaEmbedded?: unknown }).__mareaEmbedded = embedded;
    serverUrl = embedded.url;
  }
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  await admin.end();
  const templateUrl = new URL(serverUrl);
  templateUrl.pathname = `/${TEMPLATE}`;
  await migrate(templateUrl.toString());
  process.env.MAREA_TEST_SERVER_URL = serverUrl;
  process.env.MAREA_TEST_TEMPLATE = TEMPLATE;
}
