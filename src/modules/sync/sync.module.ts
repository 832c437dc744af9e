import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganisationsModule } from '../organisations/organisations.module';
import { DeletionsResolver } from './deletions.resolver';
import { DeletionsService } from './deletions.service';
import { TombstoneEntity } from './tombstone.entity';

/** What partner apps need to keep a copy in step: tombstones of deleted things (Query.deletions). */
@Module({
  imports: [TypeOrmModule.forFeature([TombstoneEntity]), OrganisationsModule],
  providers: [DeletionsService, DeletionsResolver],
  exports: [DeletionsService],
})
export class SyncModule {}
