import { Client } from 'pg';
import { JobsService } from '../../src/common/jobs/jobs.service';
import type { TestApp } from './test-app';

/** Jobs due or running, and anonymous signatures still in the inbox (not yet drained into their jobs). */
const UNSETTLED = `SELECT (SELECT count(*)::int FROM graphile_worker._private_jobs WHERE (run_at <= now() AND attempts < max_attempts) OR locked_at IS NOT NULL)
  + (SELECT count(*)::int FROM signature_inbox) AS n`;

/**
 * Resolves once the queue holds no job that is due or running: everything enqueued so far has been
 * handled by the workers of `apps`. The queue is re-read after each job one of them finishes.
 */
export async function jobsSettled(apps: TestApp | TestApp[], timeoutMs = 20_000): Promise<void> {
  const list = Array.isArray(apps) ? apps : [apps];
  const db = new Client({ connectionString: list[0].databaseUrl });
  await db.connect();
  let wake: () => void = () => undefined;
  const onEvent = () => wake();
  const emitters = list.map((t) => t.app.get(JobsService).events).filter((e) => e !== undefined);
  if (!emitters.length) throw new Error('jobsSettled needs an app with jobs running (start it with a mailbox)');
  for (const e of emitters) {
    e.on('job:complete', onEvent);
    e.on('job:error', onEvent);
    e.on('job:failed', onEvent);
  }
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const next = new Promise<void>((resolve) => (wake = resolve));
      if ((await db.query(UNSETTLED)).rows[0].n === 0) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`jobs still pending after ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      // A job may finish between the count and the wait: the bounded wait then re-reads the queue.
      await Promise.race([next, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(left, 500))))]);
      clearTimeout(timer);
    }
  } finally {
    for (const e of emitters) {
      e.off('job:complete', onEvent);
      e.off('job:error', onEvent);
      e.off('job:failed', onEvent);
    }
    await db.end();
  }
}
