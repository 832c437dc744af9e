import { Global, Module } from '@nestjs/common';
import { AccessService } from './access/access.service';
import { IdempotencyMiddleware } from './idempotency/idempotency.middleware';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { RateLimiterService } from './rate-limit/rate-limiter.service';

/** Infrastructure services every feature module may inject. */
@Global()
@Module({
  providers: [AccessService, RateLimiterService, IdempotencyStore, IdempotencyMiddleware],
  exports: [AccessService, RateLimiterService, IdempotencyStore, IdempotencyMiddleware],
})
export class CommonModule {}
