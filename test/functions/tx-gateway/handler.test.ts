import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fc3HttpEvent, fcContext } from '../../helpers/fcEvents';

const SYSTEMS = JSON.stringify([
  { id: 'fund-trading', secret: 'gateway-handler-test-secret-0123456789', checkbackUrl: 'http://127.0.0.1:9/checkback' },
]);

/** A fresh copy of the handler module (its app is built once per module instance). */
async function freshHandler(databaseUrl: string) {
  vi.stubEnv('TXC_DATABASE_URL', databaseUrl);
  vi.stubEnv('TXC_SYSTEMS', SYSTEMS);
  vi.stubEnv('TXC_LOG_LEVEL', 'silent');
  vi.resetModules();
  const { handler } = await import('../../../functions/tx-gateway/handler');
  return (event: unknown) =>
    handler(Buffer.from(JSON.stringify(event)), fcContext({ name: 'tx-gateway' })) as Promise<{ statusCode: number; body: string }>;
}

describe('Function: tx-gateway handler', () => {
  beforeEach(() => vi.unstubAllEnvs());
  afterEach(() => vi.unstubAllEnvs());

  it('refuses an unsigned request without opening the database', async () => {
    // Nothing listens on port 9: a handler that connected first would fail instead of answering 401.
    const invoke = await freshHandler('mysql://root@127.0.0.1:9/none');
    const response = await invoke(fc3HttpEvent({ path: '/v1/transactions/01HZY3J6W8K6N9Q4Z2V7C1B5DX' }));
    expect(response.statusCode).toBe(401);
  });

  it('still rejects an unusable database URL on the first request, before any authentication', async () => {
    const invoke = await freshHandler('postgres://u:secret@h/db');
    const response = await invoke(fc3HttpEvent({ path: '/v1/transactions/01HZY3J6W8K6N9Q4Z2V7C1B5DX' }));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'INTERNAL_ERROR' } });
  });
});
