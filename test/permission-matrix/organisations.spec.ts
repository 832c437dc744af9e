import { runMatrix } from '../support/permission-matrix';
import { organisationRows } from './organisations.rows';

runMatrix('organisations, chapters and memberships', organisationRows);
