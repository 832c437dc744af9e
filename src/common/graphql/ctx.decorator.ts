import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { RequestContext } from './request-context';

/** The per-request context (actor, grants, loaders) in a resolver's parameters. */
export const Ctx = createParamDecorator((_data: unknown, context: ExecutionContext): RequestContext => context.getArgByIndex(2));
