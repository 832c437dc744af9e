import { Injectable, Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { HttpDrain } from './http-drain';

interface BackgroundWorker {
  name: string;
  stop: () => Promise<void>;
}

/**
 * The instance's life: whether it is shutting down (readiness answers 503 from the first moment),
 * and the background workers to stop once HTTP has drained and before pools close.
 */
@Injectable()
export class Lifecycle {
  private shuttingDown = false;
  private readonly workers: BackgroundWorker[] = [];

  get draining(): boolean {
    return this.shuttingDown;
  }

  beginShutdown(): void {
    this.shuttingDown = true;
  }

  /**
   * A background worker (e.g. the graphile-worker job runner) registers how to stop it. Shutdown
   * stops workers after the HTTP drain, in reverse order of registration, and before the pools close.
   */
  registerBackgroundWorker(name: string, stop: () => Promise<void>): void {
    this.workers.push({ name, stop });
  }

  async stopBackgroundWorkers(logger: Logger): Promise<void> {
    for (const worker of [...this.workers].reverse()) {
      try {
        await worker.stop();
      } catch (error) {
        logger.error({ worker: worker.name, error: (error as Error).message }, 'background worker failed to stop cleanly');
      }
    }
  }
}

const drains = new WeakMap<NestExpressApplication, HttpDrain>();

/** Starts tracking the app's HTTP connections; call before listening. */
export function trackConnections(app: NestExpressApplication): void {
  drains.set(app, new HttpDrain(app.getHttpServer() as Server));
}

/**
 * The one shutdown sequence (DESIGN.md "Faults"):
 * 1. readiness turns 503 at once;
 * 2. HTTP drains: no new connections, in-flight and newly arriving requests on open connections are
 *    answered (with `Connection: close`), idle connections closed; whatever is left after `timeoutMs` is cut;
 * 3. background workers stop (jobs register in Lifecycle.registerBackgroundWorker);
 * 4. Nest's module hooks run: listeners, the rate limiter's, the exports' and TypeORM's pools end.
 */
export async function shutdown(app: NestExpressApplication, timeoutMs: number): Promise<void> {
  const logger = new Logger('Shutdown');
  const lifecycle = app.get(Lifecycle);
  lifecycle.beginShutdown();
  const drain = drains.get(app);
  if (drain) {
    const clean = await drain.drain(timeoutMs);
    if (!clean) logger.warn(drain.open, 'shutdown timeout reached; closed the remaining connections');
  }
  await lifecycle.stopBackgroundWorkers(logger);
  await app.close();
}
