import { runMatrix } from '../support/permission-matrix';
import { seriesRows } from './series.rows';

runMatrix('series', seriesRows);
