import { Global, Module } from '@nestjs/common';
import { AccessService } from './access/access.service';
import { DatabasePools } from './database/database-pools';
import { IdempotencyMiddleware } from './idempotency/idempotency.middleware';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { Lifecycle } from './lifecycle/lifecycle';
import { RateLimiterService } from './rate-limit/rate-limiter.service';

const SERVICES = [AccessService, RateLimiterService, Lifecycle, DatabasePools, IdempotencyStore, IdempotencyMiddleware];

/** Infrastructure services every feature module may inject. */
@Global()
@Module({ providers: SERVICES, exports: SERVICES })
export class CommonModule {}
