import { runMatrix } from '../support/permission-matrix';
import { webhookRows } from './webhooks.rows';

runMatrix('webhooks', webhookRows);
