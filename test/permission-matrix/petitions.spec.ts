import { runMatrix } from '../support/permission-matrix';
import { petitionRows } from './petitions.rows';

runMatrix('petitions', petitionRows, { petitions: true });
