import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RuntimeConfigError } from './errors';
import type { FcHandler, HandlerLoader } from './types';

/** Where catalog functions live: `functions/<name>/handler.ts`, exporting `handler(event, context)`. */
const FUNCTIONS_DIR = new URL('../../functions/', import.meta.url);

/** The handler file of a catalog function. */
export function handlerPath(functionName: string): string {
  return fileURLToPath(new URL(`${functionName}/handler.ts`, FUNCTIONS_DIR));
}

/** Imports `functions/<name>/handler.ts` (TypeScript, compiled by tsx or vitest on load) and returns its `handler`. */
export const loadFunctionHandler: HandlerLoader = async (functionName) => {
  const path = handlerPath(functionName);
  if (!existsSync(path)) throw new RuntimeConfigError(`function '${functionName}' has no handler at ${path}`);
  const module = (await import(path)) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new RuntimeConfigError(`${path} does not export a function named 'handler'`);
  return module.handler as FcHandler;
};
