/** Setup file of the integration project (vitest.config.ts): runs the clean-ups helpers left for the end of the file (afterFile.ts). */
import { afterAll } from 'vitest';
import { collectAfterFileCleanups } from './afterFile';

afterAll(collectAfterFileCleanups());
