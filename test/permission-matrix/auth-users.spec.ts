import { runMatrix } from '../support/permission-matrix';
import { authUserRows } from './auth-users.rows';

runMatrix('auth and users', authUserRows);
