import { Global, Module } from '@nestjs/common';
import { AccessService } from './access/access.service';
import { RateLimiterService } from './rate-limit/rate-limiter.service';

/** Infrastructure services every feature module may inject. */
@Global()
@Module({ providers: [AccessService, RateLimiterService], exports: [AccessService, RateLimiterService] })
export class CommonModule {}
