import { runMatrix } from '../support/permission-matrix';
import { apiKeyRows } from './api-keys.rows';

runMatrix('API keys', apiKeyRows);
