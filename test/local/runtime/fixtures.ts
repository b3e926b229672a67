import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CatalogInput } from '../../../shared/engines/catalog';
import { loadCatalog } from '../../../shared/engines/catalog';
import { createLogger } from '../../../shared/logger';
import type { FcContext, FcHandler } from '../../../local/runtime';

/** A small catalog of fixture functions, one per trigger kind, on a fixture topic. */
export const FIXTURE_CATALOG: CatalogInput = {
  topics: [
    {
      name: 'FIX_TOPIC',
      description: 'fixture',
      messageType: 'normal',
      tags: [
        { name: 'A', description: 'a' },
        { name: 'B', description: 'b' },
        { name: 'C', description: 'c' },
      ],
    },
    { name: 'FIX_DLQ', description: 'fixture dead letters', messageType: 'normal', tags: [{ name: 'DEAD', description: 'd' }] },
  ],
  groups: [
    { id: 'GID_FIX_A', topic: 'FIX_TOPIC', tagExpression: 'A', description: 'only A' },
    { id: 'GID_FIX_ALL', topic: 'FIX_TOPIC', tagExpression: '*', description: 'everything' },
    { id: 'GID_FIX_AB', topic: 'FIX_TOPIC', tagExpression: 'A||B', description: 'two tags: no cloud trigger filter' },
    { id: 'GID_FIX_DLQ', topic: 'FIX_DLQ', tagExpression: '*', description: 'dead letters' },
  ],
  deadLetter: { topic: 'FIX_DLQ', tag: 'DEAD' },
  checkGroup: 'GID_FIX_CHECK',
  functions: [
    { name: 'fix-http', description: 'echo', timeoutSeconds: 5, triggers: [{ type: 'http', name: 'http', methods: ['GET', 'POST'] }] },
    { name: 'fix-timer', description: 'ticks', triggers: [{ type: 'timer', name: 'tick', cron: '@every 10s', payload: 'hello' }] },
    { name: 'fix-mq-a', description: 'A only', timeoutSeconds: 5, triggers: [{ type: 'mq', name: 'a', group: 'GID_FIX_A', batchSize: 4 }] },
    { name: 'fix-mq-ab', description: 'A or B', triggers: [{ type: 'mq', name: 'ab', group: 'GID_FIX_AB' }] },
    {
      name: 'fix-mq-all',
      description: 'all',
      triggers: [
        { type: 'mq', name: 'all', group: 'GID_FIX_ALL' },
        { type: 'mq', name: 'dlq', group: 'GID_FIX_DLQ' },
      ],
    },
  ],
};

export const fixtureCatalog = () => loadCatalog(FIXTURE_CATALOG);

/** One recorded invocation of a fixture handler. */
export interface Call {
  readonly event: unknown;
  readonly context: FcContext;
  /** Epoch ms when the handler was called. */
  readonly at: number;
}

/** Handlers keyed by function name whose behaviour a test sets; every call is recorded. */
export class FixtureFunctions {
  readonly calls = new Map<string, Call[]>();
  private readonly behaviours = new Map<string, (event: unknown, context: FcContext) => Promise<unknown>>();

  on(name: string, behaviour: (event: unknown, context: FcContext) => Promise<unknown>): void {
    this.behaviours.set(name, behaviour);
  }

  callsOf(name: string): Call[] {
    return this.calls.get(name) ?? [];
  }

  readonly load =
    async (name: string): Promise<FcHandler> =>
    async (event, context) => {
      const parsed: unknown = JSON.parse(event.toString());
      const list = this.calls.get(name) ?? [];
      list.push({ event: parsed, context, at: Date.now() });
      this.calls.set(name, list);
      const behaviour = this.behaviours.get(name);
      return behaviour ? behaviour(parsed, context) : { ok: true };
    };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A logger whose JSON lines are kept for assertions. */
export function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('runtime', 'debug', stream);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export async function waitFor(condition: () => boolean, timeoutMs = 10_000, label = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
