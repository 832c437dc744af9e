import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/common/config/config';
import { Settings } from '../../src/common/config/settings';
import { cloneTemplateDatabase } from './database';
import type { Mailbox } from './mailbox';

export interface GqlResponse<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions: { code: string; [key: string]: any } }>;
}

export interface TestApp {
  app: NestExpressApplication;
  url: string;
  databaseUrl: string;
  /** The in-process SMTP server this app sends to, when started with one (jobs then run). */
  mailbox?: Mailbox;
  /** POST /graphql as the holder of `token` (access token or API key), or anonymously. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>): Promise<GqlResponse<T>>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Run on this database instead of a fresh clone: a second instance beside another app (`t.databaseUrl`). */
  databaseUrl?: string;
  /**
   * Send mail to this in-process SMTP server and run background jobs. Without it jobs are off
   * (JOBS_ENABLED=false): what requests enqueue stays in the queue.
   */
  mailbox?: Mailbox;
}

/** The real app on its own cloned database, listening on a free port. `env` overrides settings. */
export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await cloneTemplateDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    RATE_LIMIT_SIGN_PER_MINUTE: '100000',
    RATE_LIMIT_SIGN_PER_HOUR: '100000',
    DATABASE_POOL_SIZE: '5',
    RATE_LIMIT_REGISTER_PER_MINUTE: '100000',
    RATE_LIMIT_REGISTER_PER_HOUR: '100000',
    RATE_LIMIT_GUEST_RSVP_PER_MINUTE: '100000',
    RATE_LIMIT_GUEST_RSVP_PER_HOUR: '100000',
    JOBS_ENABLED: options.mailbox ? 'true' : 'false',
    ...(options.mailbox ? { SMTP_URL: options.mailbox.url } : {}),
    ...env,
  });
  const app = await createApp(new Settings(config, databaseUrl, 'test-secret-test-secret-test-secret-0123'));
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    url,
    databaseUrl,
    mailbox: options.mailbox,
    async gql(query, variables, token, headers = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    close: () => app.close(),
  };
}
