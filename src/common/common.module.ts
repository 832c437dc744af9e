import { Global, Module } from '@nestjs/common';
import { AccessService } from './access/access.service';
import { DatabasePools } from './database/database-pools';
import { Lifecycle } from './lifecycle/lifecycle';
import { RateLimiterService } from './rate-limit/rate-limiter.service';

/** Infrastructure services every feature module may inject. */
@Global()
@Module({ providers: [AccessService, RateLimiterService, Lifecycle, DatabasePools], exports: [AccessService, RateLimiterService, Lifecycle, DatabasePools] })
export class CommonModule {}
