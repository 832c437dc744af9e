import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A fresh database cloned from the migrated template; one per test file. */
export async function cloneTemplateDatabase(): Promise<string> {
  const server = process.env.MAREA_TEST_SERVER_URL!;
  const name = `marea_t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.MAREA_TEST_TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}
