/**
 * The repository's only zod import: `zod/mini`, whose functional API tree-shakes (classic zod's
 * method chains put ~190 KB into every cloud bundle, compiled on each cold start). Import it as
 * `import * as z from '<path>/shared/zod'` (a namespace import, so bundles keep only what is used),
 * never from 'zod/mini' directly, so the locale below is set before any schema parses.
 * `config({ jitless: true })` is not needed: zod/mini's object parser never calls `new Function`.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini loads no locale: without English every built-in issue would read just "Invalid input".
config(en());

export * from 'zod/mini';
