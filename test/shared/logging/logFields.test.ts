import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/logger';

describe('Function: createLogger', () => {
  it('names the function once per line (fn), redacts secrets and customer identifiers', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').trim().split('\n')));
    const logger = createLogger('tx-gateway', 'info', stream);
    logger.child({ requestId: 'r1' }).info({ secret: 'hunter2', customer: { idNumber: '110101199003071234' } }, 'hello');
    await new Promise((resolve) => setImmediate(resolve));
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({
      fn: 'tx-gateway',
      requestId: 'r1',
      msg: 'hello',
      secret: '[redacted]',
      customer: { idNumber: '[redacted]' },
    });
    expect(line).not.toHaveProperty('name');
    expect(lines[0]).not.toContain('hunter2');
  });
});
