import { runMatrix } from '../support/permission-matrix';
import { eventRows } from './events.rows';

runMatrix('events', eventRows, { events: true });
