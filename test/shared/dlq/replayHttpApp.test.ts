import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsumeBarrier } from '../../../shared/consumer/ConsumeBarrier';
import type { DeadLetterBody } from '../../../shared/consumer/deadLetterBody';
import { bearerTokenAuthenticator, DeadLetterStore, replayHttpApp } from '../../../shared/dlq';
import type { HttpRequest } from '../../../shared/fc/InvocationContext';
import type { TestDatabase } from '../../helpers/databases';
import { DATABASE_CASES } from '../../helpers/databases';
import { invocation, RecordingPublisher, silentLogger } from '../consumer/factories';

const TOKEN = 'ops-token-0123456789abcdef';

function request(method: string, path: string, options: { body?: unknown; query?: Record<string, string>; token?: string } = {}): HttpRequest {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: options.token === undefined ? { authorization: `Bearer ${TOKEN}` } : { authorization: `Bearer ${options.token}` },
    queryStringParameters: options.query,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' } } as HttpRequest['requestContext'],
  };
}

function deadLetter(group: string, tag: string): DeadLetterBody {
  const key = `tx-${randomUUID()}`;
  return {
    v: 1,
    deadLetterId: `dl-${randomUUID().replace(/-/g, '')}`,
    group,
    dedupKey: key,
    original: { topic: 'TXC_COMPANION', tag, key, messageId: randomUUID(), publishTime: 1, properties: {}, body: '{"v":1}' },
    error: { kind: 'transient', code: 'HANDLER_ERROR', message: 'boom' },
    attempts: 16,
    history: [],
    deadLetteredAt: Date.now(),
  };
}

describe('Function: replayHttpApp', () => {
  let database: TestDatabase;
  const publisher = new RecordingPublisher();
  let app: ReturnType<typeof replayHttpApp>;
  const letters = [deadLetter('GID_TXC_OPS', 'OPERATIONS'), deadLetter('GID_TXC_CS', 'CUSTOMER_SERVICE')];

  beforeAll(async () => {
    database = await DATABASE_CASES[0].open();
    const store = new DeadLetterStore(database.db);
    for (const letter of letters) await database.db.transaction().execute((trx) => store.save(trx, letter, Date.now()));
    app = replayHttpApp({ store, barrier: new ConsumeBarrier(database.db), publisher, authenticator: bearerTokenAuthenticator(TOKEN), logger: silentLogger });
  });
  afterAll(async () => database?.close());

  it('refuses callers without the token, with one generic 401', async () => {
    for (const token of ['', 'wrong-token-0123456789']) {
      const response = await app(request('GET', '/dead-letters', { token }), invocation());
      expect(response.statusCode).toBe(401);
      expect(JSON.parse(response.body).error.code).toBe('UNAUTHENTICATED');
    }
    const unconfigured = replayHttpApp({ store: new DeadLetterStore(database.db), barrier: new ConsumeBarrier(database.db), publisher, authenticator: bearerTokenAuthenticator(undefined), logger: silentLogger });
    expect((await unconfigured(request('GET', '/dead-letters'), invocation())).statusCode).toBe(401);
  });

  it('lists with filters and shows one dead letter with its consumption state', async () => {
    const list = await app(request('GET', '/dead-letters', { query: { group: 'GID_TXC_CS' } }), invocation());
    expect(list.statusCode).toBe(200);
    expect(JSON.parse(list.body).deadLetters.map((d: { id: string }) => d.id)).toEqual([letters[1]!.deadLetterId]);
    const show = await app(request('GET', `/dead-letters/${letters[0]!.deadLetterId}`), invocation());
    expect(JSON.parse(show.body)).toMatchObject({ id: letters[0]!.deadLetterId, attempts: 16, status: 'NEW', consumption: null });
    expect((await app(request('GET', '/dead-letters/dl-missing'), invocation())).statusCode).toBe(404);
  });

  it('previews by default, replays on request with a per-message report, and rejects bad input with 400', async () => {
    const preview = await app(request('POST', '/dead-letters/replay', { body: { filter: { tag: 'OPERATIONS' } } }), invocation());
    expect(JSON.parse(preview.body)).toMatchObject({ dryRun: true, matched: 1, counts: { 'would-replay': 1 } });
    expect(publisher.published).toHaveLength(0);
    const replay = await app(request('POST', '/dead-letters/replay', { body: { filter: { ids: [letters[0]!.deadLetterId] }, dryRun: false } }), invocation());
    const report = JSON.parse(replay.body);
    expect(report.results).toEqual([expect.objectContaining({ id: letters[0]!.deadLetterId, result: 'replayed', messageId: expect.any(String) })]);
    expect(publisher.published[0]).toMatchObject({ topic: 'TXC_COMPANION', message: { tag: 'OPERATIONS', properties: { TXC_REPLAY_GROUP: 'GID_TXC_OPS', TXC_REPLAY_OF: letters[0]!.deadLetterId } } });
    for (const body of ['not json', { filter: {} }, { filter: { group: 'bad group!' } }, { filter: { tag: 'X' }, extra: 1 }]) {
      const response = await app(request('POST', '/dead-letters/replay', { body }), invocation());
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(JSON.parse(response.body).error.code).toBe('VALIDATION_FAILED');
    }
  });
});
