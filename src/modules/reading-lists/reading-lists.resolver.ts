import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { Connection, PageArgs } from '../../common/pagination/connection';
import { IdArg } from '../../common/validation/id';
import { Chapter } from '../organisations/chapter.model';
import { ChaptersService } from '../organisations/chapters.service';
import {
  AddReadingListItemArgs,
  CreateReadingListInput,
  ListAndChapterArgs,
  MoveReadingListItemArgs,
  ReadingListsArgs,
  SetReadingStatusArgs,
  UpdateReadingListInput,
  UpdateReadingListItemInput,
} from './dto/reading-list.inputs';
import { ReadingList, ReadingListConnection, ReadingListItem, ReadingProgress, ReadingStatusEnum } from './reading-list.model';
import type { ReadingStatus } from './reading-status.entity';
import { ReadingListItemsService } from './reading-list-items.service';
import { ReadingListsService } from './reading-lists.service';
import { ReadingStatusesService } from './reading-statuses.service';

@Resolver(() => ReadingList)
export class ReadingListsResolver {
  constructor(
    private readonly lists: ReadingListsService,
    private readonly listItems: ReadingListItemsService,
    private readonly statuses: ReadingStatusesService,
    private readonly chapters: ChaptersService,
  ) {}

  @Public()
  @Query(() => ReadingList, { nullable: true })
  readingList(@IdArg('id') id: string, @Ctx() ctx: RequestContext): Promise<ReadingList | null> {
    return this.lists.load(ctx, id);
  }

  @Public()
  @Query(() => ReadingListConnection)
  readingLists(@Args() args: ReadingListsArgs, @Ctx() ctx: RequestContext): Promise<Connection<ReadingList>> {
    return this.lists.list(ctx, args);
  }

  @Allow('USER', 'READING_LISTS_WRITE')
  @Mutation(() => ReadingList)
  createReadingList(@Args('input') input: CreateReadingListInput, @Ctx() ctx: RequestContext): Promise<ReadingList> {
    return this.lists.create(ctx, input);
  }

  @Allow('USER', 'READING_LISTS_WRITE')
  @Mutation(() => ReadingList)
  updateReadingList(@IdArg('id') id: string, @Args('input') input: UpdateReadingListInput, @Ctx() ctx: RequestContext): Promise<ReadingList> {
    return this.lists.update(ctx, id, input);
  }

  @Allow('USER', 'READING_LISTS_WRITE')
  @Mutation(() => Boolean)
  deleteReadingList(@IdArg('id') id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return this.lists.delete(ctx, id);
  }

  @Allow('USER', 'READING_LISTS_WRITE')
  @Mutation(() => ReadingListItem)
  addReadingListItem(@Args() { listId, input, position }: AddReadingListItemArgs, @Ctx() ctx: RequestContext): Promise<ReadingListItem> {
    return this.listItems.add(ctx, listId, input, position);
  }

  @Allow('USER', 'READING_LISTS_WRITE')
  @Mutation(() => ReadingListItem)
  updateReadingListItem(
    @IdArg('itemId') itemId: string,
    @Args('input') input: UpdateReadingListItemInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ReadingListItem> {
    return this.listItems.update(ctx, itemId, input);
  }

  @Allow('USER', 'READING_LISTS_WRITE')
  @Mutation(() => Boolean)
  removeReadingListItem(@IdArg('itemId') itemId: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return this.listItems.remove(ctx, itemId);
  }

  @Allow('USER', 'READING_LISTS_WRITE')
  @Mutation(() => ReadingList)
  moveReadingListItem(@Args() { itemId, position }: MoveReadingListItemArgs, @Ctx() ctx: RequestContext): Promise<ReadingList> {
    return this.listItems.move(ctx, itemId, position);
  }

  @Allow('USER', 'READING_LISTS_WRITE')
  @Mutation(() => ReadingList)
  shareReadingList(@Args() { listId, chapterId }: ListAndChapterArgs, @Ctx() ctx: RequestContext): Promise<ReadingList> {
    return this.lists.share(ctx, listId, chapterId);
  }

  @Allow('USER', 'READING_LISTS_WRITE')
  @Mutation(() => ReadingList)
  unshareReadingList(@Args() { listId, chapterId }: ListAndChapterArgs, @Ctx() ctx: RequestContext): Promise<ReadingList> {
    return this.lists.unshare(ctx, listId, chapterId);
  }

  @Allow('USER', 'READING_LISTS_WRITE')
  @Mutation(() => ReadingList)
  forkReadingList(@Args() { listId, chapterId }: ListAndChapterArgs, @Ctx() ctx: RequestContext): Promise<ReadingList> {
    return this.lists.fork(ctx, listId, chapterId);
  }

  @Allow('USER')
  @Mutation(() => ReadingListItem)
  setReadingStatus(@Args() { itemId, status }: SetReadingStatusArgs, @Ctx() ctx: RequestContext): Promise<ReadingListItem> {
    return this.statuses.set(ctx, itemId, status ?? null);
  }

  @Public()
  @ResolveField(() => Chapter, { description: 'The chapter that owns and edits the list.' })
  async chapter(list: ReadingList, _args: unknown, ctx: RequestContext): Promise<Chapter> {
    return (await this.chapters.load(ctx, list.chapterId))!;
  }

  @Public()
  @ResolveField(() => [Chapter], { description: 'Chapters whose members may read the list.' })
  async sharedWith(list: ReadingList, _args: unknown, ctx: RequestContext): Promise<Chapter[]> {
    const chapters = await Promise.all((await this.lists.sharedWithIds(ctx, list.id)).map((id) => this.chapters.load(ctx, id)));
    return chapters.filter((c): c is Chapter => c !== null);
  }

  @Public()
  @ResolveField(() => ReadingList, { nullable: true })
  forkedFrom(list: ReadingList, _args: unknown, ctx: RequestContext): Promise<ReadingList | null> | null {
    return list.forkedFromId ? this.lists.load(ctx, list.forkedFromId) : null;
  }

  @Public()
  @ResolveField(() => [ReadingListItem], { description: 'In order of position.' })
  items(list: ReadingList, _args: unknown, ctx: RequestContext): Promise<ReadingListItem[]> {
    return this.listItems.itemsOf(ctx, list.id);
  }

  @Public()
  @ResolveField(() => ReadingProgress, { nullable: true, description: "The caller's own progress; null when not signed in." })
  viewerProgress(list: ReadingList, _args: unknown, ctx: RequestContext): Promise<ReadingProgress | null> {
    return this.statuses.viewerProgress(ctx, list);
  }
}

@Resolver(() => ReadingListItem)
export class ReadingListItemsResolver {
  constructor(private readonly statuses: ReadingStatusesService) {}

  @Public()
  @ResolveField(() => ReadingStatusEnum, { nullable: true, description: "The caller's own status; null when not signed in or not set." })
  viewerStatus(item: ReadingListItem, _args: unknown, ctx: RequestContext): ReadingStatus | null | Promise<ReadingStatus | null> {
    return this.statuses.viewerStatus(ctx, item);
  }

  @Public()
  @ResolveField(() => Int, { description: 'How many members have marked it READ.' })
  readCount(item: ReadingListItem, _args: unknown, ctx: RequestContext): number | Promise<number> {
    return this.statuses.readCount(ctx, item);
  }
}

@Resolver(() => Chapter)
export class ChapterReadingListsResolver {
  constructor(private readonly lists: ReadingListsService) {}

  @Public()
  @ResolveField(() => ReadingListConnection)
  readingLists(@Parent() chapter: Chapter, @Args() args: PageArgs, @Ctx() ctx: RequestContext): Promise<Connection<ReadingList>> {
    return this.lists.list(ctx, args, chapter.id);
  }
}
