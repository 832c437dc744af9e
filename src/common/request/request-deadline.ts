import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/** What a piece of work needs to know about the request it serves: whether it is still wanted. */
export class RequestDeadline {
  private gone = false;

  constructor(readonly deadline: number) {}

  /** The client closed the connection before its answer was sent. */
  clientGone(): void {
    this.gone = true;
  }

  /** Work that has not started yet must not start: the client gave up or the deadline has passed. */
  get expired(): boolean {
    return this.gone || Date.now() >= this.deadline;
  }
}

const DEADLINE = Symbol('requestDeadline');

/** The deadline the middleware gave this HTTP request, if any. */
export function deadlineOf(req: IncomingMessage): RequestDeadline | undefined {
  return (req as IncomingMessage & { [DEADLINE]?: RequestDeadline })[DEADLINE];
}

/**
 * Gives every HTTP request a deadline `timeoutMs` after its arrival and notes when its client goes
 * away. Work reaches it through the request (GraphQL: RequestContext.deadline), not through
 * AsyncLocalStorage, which on Node 20 costs every promise.
 */
export function requestDeadlines(timeoutMs: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const deadline = new RequestDeadline(Date.now() + timeoutMs);
    (req as Request & { [DEADLINE]?: RequestDeadline })[DEADLINE] = deadline;
    res.once('close', () => {
      if (!res.writableFinished) deadline.clientGone();
    });
    next();
  };
}
