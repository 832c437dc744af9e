import type { ApolloServerPlugin } from '@apollo/server';
import { RETRY_AFTER_SECONDS } from '../database/database-status';

/**
 * A GraphQL answer carrying SERVICE_UNAVAILABLE goes out as HTTP 503 with Retry-After, so load
 * balancers and clients see the outage without reading the body.
 */
export function serviceUnavailableStatus(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          // Apollo starts every plugin's hook in one go; @nestjs/apollo's own plugin resets the status of any
          // answer with `data` to 200 synchronously in its hook. Deciding after one microtask comes after it.
          await null;
          if (response.body.kind !== 'single') return;
          const unavailable = response.body.singleResult.errors?.find((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');
          if (!unavailable) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(unavailable.extensions?.retryAfterSeconds ?? RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}
