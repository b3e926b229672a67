import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../../shared/engines/catalog';
import type { ConsumerDependencies } from '../../../shared/adapters/fc/mq/consumerFunction';
import { runtimesFor } from '../../../shared/adapters/fc/mq/consumerFunction';
import { readConsumerConfig } from '../../../shared/engines/consumer/config';
import { PermanentFailureError, TransientFailureError } from '../../../shared/engines/consumer/errors';
import type { MessageHandler } from '../../../shared/engines/consumer/types';
import { decodeEnvelope } from '../../../shared/engines/consumer/decodeEnvelope';
import { createLogger } from '../../../shared/logger';
import { invokeFunction } from '../../../local/runtime/invoke';
import * as z from '../../../shared/zod';
import { DATABASE_CASES } from '../../helpers/databases';
import { envelopeBody, incoming, invocation, RecordingPublisher } from '../engines/consumer/factories';

/** Keys under which a logged error may appear; anything else named like an error is a finding. */
const ERROR_LIKE = /^(error|reason|e|exception|cause)$/;

/**
 * Parses one JSON line and returns every object key path that occurs twice in the same object
 * (JSON.parse keeps the last silently, so it cannot see them).
 */
function duplicateKeys(line: string): string[] {
  let i = 0;
  const found: string[] = [];
  const ws = () => {
    while (/\s/.test(line[i] ?? '')) i += 1;
  };
  const string = (): string => {
    const start = i;
    i += 1;
    while (line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
    i += 1;
    return JSON.parse(line.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    const c = line[i];
    if (c === '{') {
      i += 1;
      const seen = new Set<string>();
      ws();
      if (line[i] === '}') return void (i += 1);
      for (;;) {
        ws();
        const key = string();
        if (seen.has(key)) found.push(`${path}${key}`);
        seen.add(key);
        ws();
        i += 1; // ':'
        value(`${path}${key}.`);
        ws();
        if (line[i++] === '}') return;
      }
    }
    if (c === '[') {
      i += 1;
      ws();
      if (line[i] === ']') return void (i += 1);
      for (;;) {
        value(path);
        ws();
        if (line[i++] === ']') return;
      }
    }
    if (c === '"') return void string();
    const m = /^[^,}\]\s]+/.exec(line.slice(i));
    if (!m) throw new Error(`bad JSON at ${i}: ${line}`);
    i += m[0].length;
  };
  value('');
  return found;
}

/** A real logger writing into memory; `lines()` returns what was written, one JSON object each. */
function capturedLogger(name: string) {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger(name, 'debug', stream);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== ''),
  };
}

function checkLines(lines: readonly string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(duplicateKeys(line), line).toEqual([]);
    const fields = Object.keys(JSON.parse(line) as object);
    expect(
      fields.filter((key) => ERROR_LIKE.test(key)),
      line,
    ).toEqual([]);
  }
}

describe('Log lines of real code paths', () => {
  it('the duplicate-key scanner finds what JSON.parse hides', () => {
    expect(duplicateKeys('{"a":1,"b":{"c":[{"d":1,"d":2}]},"a":"x\\"y"}')).toEqual(['b.c.d', 'a']);
    expect(duplicateKeys('{"a":[1,2,{}],"b":"}"}')).toEqual([]);
  });

  it('a consumer function logs group, fn and requestId once each, and its errors under err', async () => {
    const database = await DATABASE_CASES[0]!.open();
    try {
      await sql`create table t_effect (event_id varchar(128) not null)`.execute(database.db);
      const { logger, lines } = capturedLogger('consumer-ops');
      const publisher = new RecordingPublisher();
      let calls = 0;
      const failing: MessageHandler<unknown> = {
        dedupBy: 'key',
        decode: (message) => decodeEnvelope(message, z.object({ n: z.number() })),
        async handle() {
          calls += 1;
          if (calls === 1) throw new TransientFailureError('DOWNSTREAM_DOWN', 'downstream unavailable');
          throw new PermanentFailureError('BAD_EVENT', 'event cannot be applied');
        },
      };
      const alerts = { raise: async () => Promise.reject(new Error('webhook down')) };
      const deps = { config: readConsumerConfig({}), database, mq: publisher, alerts, logger } as unknown as ConsumerDependencies;
      const [runtime] = runtimesFor('consumer-ops', deps, { GID_TXC_OPS: failing });
      const context = invocation();
      const message = incoming('TXC_COMPANION', 'OPERATIONS', envelopeBody('TXC_COMPANION', 'OPERATIONS', { n: 1 }));
      await runtime!.processMessage(message, context, 'pull'); // 'consume failed, will retry'
      publisher.failNext = 1; // a permanent failure whose dead letter cannot be published
      await runtime!.processMessage(
        incoming('TXC_COMPANION', 'OPERATIONS', envelopeBody('TXC_COMPANION', 'OPERATIONS', { n: 2 })),
        context,
        'pull',
      );
      const written = lines();
      checkLines(written);
      const parsed = written.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(parsed.map((p) => p.msg)).toEqual(
        expect.arrayContaining(['consume failed, will retry', 'dead-letter publish failed, will retry']),
      );
      for (const p of parsed) expect(p).toMatchObject({ fn: 'consumer-ops', group: 'GID_TXC_OPS', requestId: context.requestId });
      expect(parsed.find((p) => p.msg === 'consume failed, will retry')!.err).toMatchObject({ message: 'downstream unavailable' });
    } finally {
      await database.close();
    }
  });

  it('a failed local runtime invocation names the function once and logs the error under err', async () => {
    const { logger, lines } = capturedLogger('runtime');
    const fn = catalog().function('consumer-ops')!;
    const handler = async () => Promise.reject(new Error('handler exploded'));
    await expect(invokeFunction({ fn, handler, event: Buffer.from('{}'), requestId: 'req-1' }, logger)).rejects.toThrow();
    checkLines(lines());
    expect(JSON.parse(lines()[0]!)).toMatchObject({
      fn: 'runtime',
      function: 'consumer-ops',
      requestId: 'req-1',
      err: { message: 'handler exploded' },
    });
  });
});
