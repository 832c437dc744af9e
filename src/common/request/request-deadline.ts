import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

/** What a piece of work needs to know about the request it serves: whether it is still wanted. */
export class RequestDeadline {
  private gone = false;

  constructor(readonly deadline: number) {}

  /** The client closed the connection before its answer was sent. */
  clientGone(): void {
    this.gone = true;
  }

  /** Whether the client is still waiting for the answer. */
  get clientWaiting(): boolean {
    return !this.gone;
  }

  /** Work that has not started yet must not start: the client gave up or the deadline has passed. */
  get expired(): boolean {
    return this.gone || Date.now() >= this.deadline;
  }
}

const storage = new AsyncLocalStorage<RequestDeadline>();

/** The deadline of the HTTP request the current code runs for, if any (background work has none). */
export function currentDeadline(): RequestDeadline | undefined {
  return storage.getStore();
}

/**
 * Gives every HTTP request a deadline `timeoutMs` after its arrival and notes when its client goes
 * away, for the rest of the request's asynchronous work to consult (see SignatureBatcher).
 */
export function requestDeadlines(timeoutMs: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const deadline = new RequestDeadline(Date.now() + timeoutMs);
    res.once('close', () => {
      if (!res.writableFinished) deadline.clientGone();
    });
    storage.run(deadline, next);
  };
}
