import type { ModulesContainer } from '@nestjs/core';
import { ACCESS_METADATA, AccessRule, PERSONAL_DATA_METADATA } from './access.decorators';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

export interface ResolverDeclaration {
  /** `Query.event`, `Event.attendees`. */
  coordinate: string;
  kind: 'operation' | 'field';
  access?: AccessRule;
  personalData?: string;
}

/** Every resolver method of the app with its access and personal-data declarations. */
export function resolverDeclarations(modules: ModulesContainer): ResolverDeclaration[] {
  const found: ResolverDeclaration[] = [];
  for (const module of modules.values()) {
    for (const wrapper of module.providers.values()) {
      const cls = wrapper.metatype as (new (...args: unknown[]) => object) | undefined;
      if (typeof cls !== 'function' || !Reflect.hasMetadata('graphql:resolver_type', cls)) continue;
      const parent = Reflect.getMetadata('graphql:resolver_type', cls);
      const parentName: string | undefined = typeof parent === 'function' ? (parent() as { name: string }).name : parent;
      for (const key of Object.getOwnPropertyNames(cls.prototype)) {
        const method = cls.prototype[key];
        if (key === 'constructor' || typeof method !== 'function') continue;
        const rootType: string | undefined = Reflect.getMetadata('graphql:resolver_type', method);
        const isField = Boolean(Reflect.getMetadata('graphql:resolve_property', method));
        const name = Reflect.getMetadata('graphql:resolver_name', method) ?? key;
        const kind = rootType && ROOT_TYPES.has(rootType) ? 'operation' : isField ? 'field' : undefined;
        if (!kind) continue;
        found.push({
          coordinate: `${kind === 'operation' ? rootType : parentName}.${name}`,
          kind,
          access: Reflect.getMetadata(ACCESS_METADATA, method),
          personalData: Reflect.getMetadata(PERSONAL_DATA_METADATA, method),
        });
      }
    }
  }
  return found;
}

/**
 * Deny by default, checked before the app serves anything: every operation declares who may reach it
 * (the global guard enforces it per request), and every field resolver is `@Public()` and checks its
 * rows itself (guards do not run on fields, so Nest calls them directly). Throws listing offenders.
 */
export function assertAccessDeclared(modules: ModulesContainer): void {
  const problems = resolverDeclarations(modules).flatMap((d) => {
    if (!d.access) return [`${d.coordinate} declares no access rule`];
    if (d.kind === 'field' && !d.access.public) return [`${d.coordinate} is a field resolver: declare it @Public() and check the rows inside`];
    return [];
  });
  if (problems.length) throw new Error(`Access declarations: ${problems.join('; ')}`);
}
