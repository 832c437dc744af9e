import { runMatrix } from '../support/permission-matrix';
import { syncRows } from './sync.rows';

runMatrix('incremental sync', syncRows);
