import { Global, Module } from '@nestjs/common';
import { JobsService } from './jobs.service';

/** Background jobs on graphile-worker; see JobsService. */
@Global()
@Module({ providers: [JobsService], exports: [JobsService] })
export class JobsModule {}
