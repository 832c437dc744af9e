import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthenticatedError } from '../errors/domain-error';
import { ACCESS_METADATA, AccessRule } from './access.decorators';
import { ANONYMOUS, Actor } from './actor';

/** The actor of any Nest execution context: GraphQL context or HTTP request. */
export function actorOf(context: ExecutionContext): Actor {
  if (context.getType<string>() === 'graphql') return (context.getArgByIndex(2) as { actor?: Actor })?.actor ?? ANONYMOUS;
  return (context.switchToHttp().getRequest() as { actor?: Actor }).actor ?? ANONYMOUS;
}

/** Global guard: deny by default. Runs on operations, field resolvers and HTTP routes. */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = this.reflector.get<AccessRule | undefined>(ACCESS_METADATA, context.getHandler());
    if (!rule) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no access rule; denied`);
      throw new ForbiddenError();
    }
    if (rule.public) return true;
    const actor = actorOf(context);
    if (actor.kind === 'anonymous') {
      if (rule.anonymous) return true;
      throw new UnauthenticatedError();
    }
    if (actor.kind === 'user') {
      if (rule.users) return true;
      throw new ForbiddenError('Only signed-in users may do this');
    }
    if (rule.scopes.some((scope) => actor.scopes.has(scope))) return true;
    throw new ForbiddenError(rule.scopes.length ? `This API key needs the scope ${rule.scopes.join(' or ')}` : 'API keys may not do this');
  }
}
