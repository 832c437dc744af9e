import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ReadingListItemEntity } from './reading-list-item.entity';
import { ReadingListShareEntity } from './reading-list-share.entity';
import { ReadingListEntity } from './reading-list.entity';
import { ChapterReadingListsResolver, ReadingListItemsResolver, ReadingListsResolver } from './reading-lists.resolver';
import { ReadingListsService } from './reading-lists.service';
import { ReadingStatusEntity } from './reading-status.entity';

/** Chapters' political-education reading lists: ordered items, sharing, forks and members' own progress. */
@Module({
  imports: [TypeOrmModule.forFeature([ReadingListEntity, ReadingListItemEntity, ReadingListShareEntity, ReadingStatusEntity]), OrganisationsModule],
  providers: [ReadingListsService, ReadingListsResolver, ReadingListItemsResolver, ChapterReadingListsResolver],
})
export class ReadingListsModule {}
