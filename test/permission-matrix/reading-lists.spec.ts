import { runMatrix } from '../support/permission-matrix';
import { readingListRows } from './reading-lists.rows';

runMatrix('reading lists', readingListRows, { readingLists: true });
