import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ReadingListItemEntity } from './reading-list-item.entity';
import { ReadingListShareEntity } from './reading-list-share.entity';
import { ReadingListEntity } from './reading-list.entity';
import { ChapterReadingListsResolver, ReadingListItemsResolver, ReadingListsResolver } from './reading-lists.resolver';
import { ReadingListItemsService } from './reading-list-items.service';
import { ReadingListsService } from './reading-lists.service';
import { ReadingStatusesService } from './reading-statuses.service';
import { ReadingStatusEntity } from './reading-status.entity';

/** Chapters' political-education reading lists: ordered items, sharing, forks and members' own progress. */
@Module({
  imports: [TypeOrmModule.forFeature([ReadingListEntity, ReadingListItemEntity, ReadingListShareEntity, ReadingStatusEntity]), OrganisationsModule],
  providers: [
    ReadingListsService,
    ReadingListItemsService,
    ReadingStatusesService,
    ReadingListsResolver,
    ReadingListItemsResolver,
    ChapterReadingListsResolver,
  ],
})
export class ReadingListsModule {}
