import { randomBytes } from 'node:crypto';
import { withDb } from './db';

/** A fresh database cloned from the migrated template; one per test file. */
export async function cloneTemplateDatabase(): Promise<string> {
  const server = process.env.MAREA_TEST_SERVER_URL!;
  const name = `marea_t_${randomBytes(6).toString('hex')}`;
  await withDb(server, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.MAREA_TEST_TEMPLATE}`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}
