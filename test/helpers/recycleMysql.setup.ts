/**
 * Setup file of the integration project (vitest.config.ts): the MariaDB databases a file's tests get
 * from DATABASE_CASES are recycled between its tests (emptied instead of created and migrated anew) and
 * dropped when the file is done.
 */
import { afterAll } from 'vitest';
import { recycleMysqlPerFile } from './databases';

afterAll(recycleMysqlPerFile());
