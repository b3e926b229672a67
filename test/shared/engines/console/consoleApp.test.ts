import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessSystems } from '../../../../shared/engines/auth';
import { catalog } from '../../../../shared/engines/catalog';
import {
  API_ROUTES,
  ConsoleMetrics,
  consoleServices,
  createConsoleApp,
  hashPassword,
  hashToken,
  Operators,
  SessionSigner,
} from '../../../../shared/engines/console';
import { writerFor } from '../../../../shared/adapters/store/groupCommit';
import { ConsumeBarrier } from '../../../../shared/engines/consumer/ConsumeBarrier';
import type { DeadLetterBody } from '../../../../shared/engines/consumer/deadLetterBody';
import { DeadLetterStore } from '../../../../shared/engines/dlq';
import { ReportStore } from '../../../../shared/engines/reconcile/ReportStore';
import type { ReconcileReport } from '../../../../shared/engines/reconcile/types';
import type { HttpApp } from '../../../../shared/engines/invocation/InvocationContext';
import { serveCheckback } from '../../../helpers/checkbackServer';
import type { TestDatabase } from '../../../helpers/databases';
import { DATABASE_CASES, mysqlUnavailableReason } from '../../../helpers/databases';
import { serveHttpApp } from '../../../helpers/httpAppServer';
import type { TxCenterFixture } from '../../../helpers/txCenter';
import { drainTopic, drainUntilKey, FUND_TRADE, startTxCenter, TEST_CHECK_IMMUNITY_SECONDS, testContext } from '../../../helpers/txCenter';
import { silentLogger } from '../consumer/factories';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

const OPS = { name: 'ops', password: 'ops-test-password', token: 'ops-test-token-0123456789abcdef' };
const VIEWER = { name: 'viewer', password: 'viewer-test-password', token: 'viewer-test-token-0123456789abcdef' };
const SESSION_SECRET = 'console-test-session-secret-0123456789';
/** A group that consumes fund-trade messages, used to see what the broker delivered. */
const WATCH_GROUP = 'GID_TXC_CONSOLE_TEST_WATCH';

interface Answer {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

function deadLetterOf(group: string, topic: string, tag: string, key: string): DeadLetterBody {
  return {
    v: 1,
    deadLetterId: `dl-${randomUUID().replace(/-/g, '')}`,
    group,
    dedupKey: key,
    original: { topic, tag, key, messageId: randomUUID().replace(/-/g, ''), publishTime: Date.now(), properties: {}, body: '{"v":1}' },
    error: { kind: 'transient', code: 'HANDLER_ERROR', message: 'trading system down' },
    attempts: 16,
    history: [
      {
        attempt: 1,
        messageId: 'm1',
        startedAt: Date.now() - 1_000,
        finishedAt: Date.now() - 900,
        outcome: 'RETRY',
        errorCode: 'HANDLER_ERROR',
        error: 'boom',
      },
    ],
    deadLetteredAt: Date.now(),
  };
}

describe.each(DATABASE_CASES)('tx-console API on $dialect', ({ dialect, open }) => {
  const skip = dialect === 'mysql' && mysqlSkip !== undefined;
  let database: TestDatabase;
  let center: TxCenterFixture;
  let server: { url: string; close(): Promise<void> };
  let checkback: Awaited<ReturnType<typeof serveCheckback>>;
  let checkAnswer = 'UNKNOWN';
  const run = Date.now().toString(36);
  /** Transactions created at the start, PREPARED past their immunity when the tests need them. */
  const stuck: string[] = [];
  let committedTx = '';
  let letterId = '';

  async function call(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; cookie?: string; csrf?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.cookie) headers.cookie = options.cookie;
    if (options.csrf) headers['x-csrf-token'] = options.csrf;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  }

  const expectError = (answer: Answer, status: number, code: string) => {
    expect(answer.status, answer.text).toBe(status);
    expect(answer.json).toMatchObject({ error: { code, message: expect.any(String) } });
  };

  async function login(user: { name: string; password: string }): Promise<{ cookie: string; csrf: string }> {
    const answer = await call('POST', API_ROUTES.session, {
      body: { name: user.name, password: user.password },
      headers: { 'x-forwarded-for': user.name },
    });
    expect(answer.status, answer.text).toBe(200);
    const cookie = answer.headers.get('set-cookie')!.split(';')[0]!;
    return { cookie, csrf: answer.json.csrfToken };
  }

  const auditRows = () => database.db.selectFrom('txc_console_audit').selectAll().orderBy('id').execute();

  beforeAll(async () => {
    if (skip) return;
    database = await open();
    checkback = await serveCheckback(async () => ({ status: 200, body: JSON.stringify({ decision: checkAnswer }) }));
    center = await startTxCenter(database, { checkbackBase: checkback.url });
    const operators = new Operators([
      { name: OPS.name, role: 'operator', passwordHash: await hashPassword(OPS.password), tokenHash: hashToken(OPS.token) },
      { name: VIEWER.name, role: 'viewer', passwordHash: await hashPassword(VIEWER.password), tokenHash: hashToken(VIEWER.token) },
    ]);
    const services = consoleServices({
      db: database.db,
      catalog: catalog(),
      broker: center.mq,
      systems: new BusinessSystems(center.systems),
      checkImmunitySeconds: TEST_CHECK_IMMUNITY_SECONDS,
      incidentWindowSeconds: 600,
    });
    const app: HttpApp = createConsoleApp({
      services: async () => services,
      operators,
      sessions: new SessionSigner({ secret: SESSION_SECRET, ttlSeconds: 3_600, secure: true }),
      metrics: new ConsoleMetrics(),
      assets: { '/': { contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>console</title>' } },
      groups: catalog().groups.map((g) => g.id),
      logger: silentLogger,
    });
    server = await serveHttpApp(app);
    // Subscribe the watch group before anything is committed, so it sees every delivery.
    await drainTopic(center.mq, FUND_TRADE.topic, WATCH_GROUP, 200);
    for (let i = 0; i < 3; i += 1) {
      const view = await center.coordinator.prepare('fund-trading', {
        ...FUND_TRADE,
        businessKey: `purchase-${run}-stuck-${i}`,
        payload: { i },
      });
      stuck.push(view.tx.txId);
    }
    const committed = await center.coordinator.prepare('fund-trading', {
      ...FUND_TRADE,
      businessKey: `purchase-${run}-done`,
      payload: { amount: '100.00' },
    });
    committedTx = committed.tx.txId;
    await center.coordinator.decide('fund-trading', committedTx, 'COMMIT');
    const now = Date.now();
    // What the consumers and the data center would have written for the committed purchase (the
    // barrier's own write, which also counts the consumption for the subscriber pages).
    const barrier = new ConsumeBarrier(database.db);
    await writerFor(database.db).write((trx, batch) =>
      barrier.insertCompleted(trx, batch, [
        {
          request: {
            group: 'GID_TXC_DATACENTER_TRADE',
            dedupKey: committedTx,
            payloadHash: 'h'.repeat(64),
            messageId: 'm-archive',
            topic: FUND_TRADE.topic,
            tag: FUND_TRADE.tag,
            replayId: undefined,
            leaseUntil: now,
            honourBackoff: false,
            now,
          },
          done: { summary: 'archived', eventId: committedTx, businessKey: `purchase-${run}-done` },
        },
      ]),
    );
    await database.db
      .insertInto('txc_archive_event')
      .values({
        group_id: 'GID_TXC_DATACENTER_TRADE',
        message_id: 'm-archive',
        topic: FUND_TRADE.topic,
        tag: FUND_TRADE.tag,
        event_id: committedTx,
        business_key: `purchase-${run}-done`,
        source: 'fund-trading',
        body: '{}',
        published_at: now,
        archived_at: now,
      })
      .execute();
    const letter = deadLetterOf('GID_TXC_ORCH_TRADE', FUND_TRADE.topic, FUND_TRADE.tag, committedTx);
    letterId = letter.deadLetterId;
    const store = new DeadLetterStore(database.db);
    await database.db.transaction().execute((trx) => store.save(trx, letter, now));
    const report: ReconcileReport = {
      runId: `run-${run}`,
      startedAt: new Date(now - 1_000).toISOString(),
      finishedAt: new Date(now).toISOString(),
      stuckPrepared: [],
      missingConsumption: [],
      deadLetters: { total: 1, byGroup: [] },
      clean: false,
      truncated: false,
    };
    await new ReportStore(database.db).save(report);
    await database.db
      .insertInto('txc_alert_incident')
      .values({
        incident_key: `dead-letter:GID_TXC_ORCH_TRADE:${run}`,
        kind: 'dead-letter',
        window_started_at: now,
        last_seen_at: now,
        occurrences: 2,
        sent_at: now,
      })
      .execute();
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await checkback?.close();
    await center?.close();
  });

  it.skipIf(skip)('refuses unauthenticated callers with typed 401s and serves the UI without a session', async () => {
    expectError(await call('GET', API_ROUTES.overview), 401, 'UNAUTHENTICATED');
    expectError(await call('GET', API_ROUTES.overview, { token: 'not-a-real-token-0123456789' }), 401, 'UNAUTHENTICATED');
    expectError(await call('GET', API_ROUTES.overview, { cookie: 'txc_console_session=forged.signature' }), 401, 'UNAUTHENTICATED');
    expectError(await call('GET', API_ROUTES.metrics), 401, 'UNAUTHENTICATED');
    const page = await call('GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.text).toContain('<title>console</title>');
    expectError(await call('GET', '/assets/missing.js'), 404, 'ROUTE_NOT_FOUND');
    expectError(await call('PUT', API_ROUTES.overview, { token: OPS.token }), 405, 'METHOD_NOT_ALLOWED');
  });

  it.skipIf(skip)('logs in with a signed HttpOnly SameSite=Strict cookie, demands the CSRF header on changes, and logs out', async () => {
    const answer = await call('POST', API_ROUTES.session, { body: { name: OPS.name, password: OPS.password } });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({
      operator: { name: 'ops', role: 'operator' },
      csrfToken: expect.any(String),
      expiresAt: expect.any(String),
    });
    const setCookie = answer.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^txc_console_session=[^;]+; Path=\/; Max-Age=3600; HttpOnly; SameSite=Strict; Secure$/);
    const cookie = setCookie.split(';')[0]!;
    expect((await call('GET', API_ROUTES.session, { cookie })).json).toMatchObject({
      operator: { name: 'ops' },
      csrfToken: answer.json.csrfToken,
    });
    // A tampered payload (another name) fails the signature.
    const [payload, signature] = cookie.slice('txc_console_session='.length).split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), name: 'viewer' })).toString(
      'base64url',
    );
    expectError(await call('GET', API_ROUTES.session, { cookie: `txc_console_session=${forged}.${signature}` }), 401, 'UNAUTHENTICATED');
    // A state change with the cookie but no (or a wrong) CSRF token is refused before anything runs.
    expectError(
      await call('POST', API_ROUTES.deadLetterReplay, { cookie, body: { filter: { ids: [letterId] }, dryRun: true } }),
      403,
      'CSRF_FAILED',
    );
    expectError(
      await call('POST', API_ROUTES.deadLetterReplay, { cookie, csrf: 'wrong', body: { filter: { ids: [letterId] }, dryRun: true } }),
      403,
      'CSRF_FAILED',
    );
    const preview = await call('POST', API_ROUTES.deadLetterReplay, {
      cookie,
      csrf: answer.json.csrfToken,
      body: { filter: { ids: [letterId] }, dryRun: true },
    });
    expect(preview.json).toMatchObject({ dryRun: true, counts: { 'would-replay': 1 } });
    const logout = await call('DELETE', API_ROUTES.session, { cookie, csrf: answer.json.csrfToken });
    expect(logout.status).toBe(200);
    expect(logout.headers.get('set-cookie')).toContain('Max-Age=0');
    // Logout ends the session server-side: a copy of the cookie (stolen, or a second tab) is refused.
    expectError(await call('GET', API_ROUTES.session, { cookie }), 401, 'UNAUTHENTICATED');
    expectError(
      await call('POST', API_ROUTES.deadLetterReplay, {
        cookie,
        csrf: answer.json.csrfToken,
        body: { filter: { ids: [letterId] }, dryRun: true },
      }),
      401,
      'UNAUTHENTICATED',
    );
    const actions = (await auditRows()).map((row) => `${row.actor}:${row.action}:${row.result}`);
    expect(actions).toEqual(expect.arrayContaining(['ops:login:ok', 'ops:replay:ok', 'ops:logout:ok']));
  });

  it.skipIf(skip)("an operator cuts another operator's sessions off before they expire; a new login works", async () => {
    const first = await login(VIEWER);
    const second = await login(VIEWER);
    const mine = await login(OPS);
    expect((await call('GET', API_ROUTES.overview, { cookie: first.cookie })).status).toBe(200);
    // A viewer may not cut anyone off; an unknown name is a 404; a cookie needs its CSRF token.
    expectError(await call('DELETE', API_ROUTES.operatorSessions(OPS.name), { cookie: first.cookie, csrf: first.csrf }), 403, 'FORBIDDEN');
    expectError(await call('DELETE', API_ROUTES.operatorSessions('nobody'), { token: OPS.token }), 404, 'OPERATOR_NOT_FOUND');
    expectError(await call('DELETE', API_ROUTES.operatorSessions('bad name!'), { token: OPS.token }), 400, 'VALIDATION_FAILED');
    expectError(await call('DELETE', API_ROUTES.operatorSessions(VIEWER.name), { cookie: mine.cookie }), 403, 'CSRF_FAILED');
    expect((await call('GET', API_ROUTES.overview, { cookie: first.cookie })).status).toBe(200);

    const revoked = await call('DELETE', API_ROUTES.operatorSessions(VIEWER.name), { cookie: mine.cookie, csrf: mine.csrf });
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.json).toEqual({ operator: VIEWER.name, revokedAt: expect.any(String) });
    for (const session of [first, second])
      expectError(await call('GET', API_ROUTES.overview, { cookie: session.cookie }), 401, 'UNAUTHENTICATED');
    // Others' sessions, and bearer tokens (revoked by removing them from TXC_OPERATORS), keep working.
    expect((await call('GET', API_ROUTES.overview, { cookie: mine.cookie })).status).toBe(200);
    expect((await call('GET', API_ROUTES.overview, { token: VIEWER.token })).status).toBe(200);
    // Logging in again after the cut-off starts a valid session.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await login(VIEWER);
    expect((await call('GET', API_ROUTES.overview, { cookie: again.cookie })).status).toBe(200);
    const actions = (await auditRows()).map((row) => `${row.actor}:${row.action}:${row.target}:${row.result}`);
    expect(actions).toEqual(expect.arrayContaining(['ops:revoke:nobody:refused', `ops:revoke:${VIEWER.name}:ok`]));
  });

  it.skipIf(skip)('answers wrong passwords with LOGIN_FAILED, then locks the name+address out with 429 and Retry-After', async () => {
    const attempt = (password: string) => call('POST', API_ROUTES.session, { body: { name: VIEWER.name, password } });
    for (let i = 0; i < 4; i += 1) expectError(await attempt('wrong-password'), 401, 'LOGIN_FAILED');
    const locked = await attempt('wrong-password');
    expectError(locked, 429, 'LOGIN_LOCKED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Locked even with the right password, until the lock ends.
    expectError(await attempt(VIEWER.password), 429, 'LOGIN_LOCKED');
    expectError(await call('POST', API_ROUTES.session, { body: { name: 'ops', password: 'x', extra: 1 } }), 400, 'VALIDATION_FAILED');
    const refused = (await auditRows()).filter((row) => row.action === 'login' && row.actor === VIEWER.name && row.result === 'refused');
    expect(refused.length).toBeGreaterThanOrEqual(6);
    expect(JSON.stringify(await auditRows())).not.toContain('wrong-password');
  });

  it.skipIf(skip)('refuses replay, check and decision to viewers with 403 FORBIDDEN and changes nothing', async () => {
    const before = await database.db
      .selectFrom('txc_tx')
      .select(['state', 'check_count'])
      .where('tx_id', '=', stuck[0]!)
      .executeTakeFirstOrThrow();
    expectError(
      await call('POST', API_ROUTES.deadLetterReplay, { token: VIEWER.token, body: { filter: { ids: [letterId] }, dryRun: false } }),
      403,
      'FORBIDDEN',
    );
    expectError(await call('POST', API_ROUTES.transactionCheck(stuck[0]!), { token: VIEWER.token }), 403, 'FORBIDDEN');
    expectError(
      await call('POST', API_ROUTES.transactionDecision(stuck[0]!), {
        token: VIEWER.token,
        body: { decision: 'commit', reason: 'viewer tries' },
      }),
      403,
      'FORBIDDEN',
    );
    expect(
      await database.db.selectFrom('txc_tx').select(['state', 'check_count']).where('tx_id', '=', stuck[0]!).executeTakeFirstOrThrow(),
    ).toEqual(before);
    expect(
      (await database.db.selectFrom('txc_dead_letter').select('status').where('id', '=', letterId).executeTakeFirstOrThrow()).status,
    ).toBe('NEW');
    // Viewers read everything.
    expect((await call('GET', API_ROUTES.overview, { token: VIEWER.token })).status).toBe(200);
    expect((await call('GET', API_ROUTES.transaction(stuck[0]!), { token: VIEWER.token })).json.actions).toEqual({
      check: false,
      decide: false,
    });
  });

  it.skipIf(skip)('validates parameters, ids, cursors and bodies with 400/404/413 and typed codes', async () => {
    const get = (path: string) => call('GET', path, { token: OPS.token });
    expectError(await get(`${API_ROUTES.transactions}?state=DONE`), 400, 'VALIDATION_FAILED');
    expectError(await get(`${API_ROUTES.transactions}?limit=1000`), 400, 'VALIDATION_FAILED');
    expectError(await get(`${API_ROUTES.transactions}?sort=asc`), 400, 'VALIDATION_FAILED');
    expectError(await get(`${API_ROUTES.transactions}?cursor=${Buffer.from('[1,2,3]').toString('base64url')}`), 400, 'VALIDATION_FAILED');
    expectError(await get(`${API_ROUTES.transactions}?from=yesterday`), 400, 'VALIDATION_FAILED');
    expectError(await get('/api/transactions/bad%20id'), 400, 'VALIDATION_FAILED');
    expectError(await get('/api/transactions/%E0%A4%A'), 400, 'VALIDATION_FAILED');
    expectError(await get(API_ROUTES.transaction('tx-unknown')), 404, 'TX_NOT_FOUND');
    expectError(await get(API_ROUTES.deadLetter('dl-unknown')), 404, 'DEAD_LETTER_NOT_FOUND');
    expectError(await get(API_ROUTES.subscriber('GID_NOPE')), 404, 'SUBSCRIBER_NOT_FOUND');
    expectError(await get(API_ROUTES.reconcileRun('run-unknown')), 404, 'RECONCILE_RUN_NOT_FOUND');
    expectError(await get(API_ROUTES.incident('nothing:here')), 404, 'INCIDENT_NOT_FOUND');
    expectError(await get(`${API_ROUTES.trace('x'.repeat(129))}`), 400, 'VALIDATION_FAILED');
    expectError(await get('/api/nothing'), 404, 'ROUTE_NOT_FOUND');
    const post = (path: string, body: unknown) => call('POST', path, { token: OPS.token, body });
    expectError(await post(API_ROUTES.deadLetterReplay, 'not json'), 400, 'INVALID_JSON');
    expectError(await post(API_ROUTES.deadLetterReplay, { filter: {}, dryRun: true }), 400, 'VALIDATION_FAILED');
    expectError(await post(API_ROUTES.deadLetterReplay, { filter: { ids: [letterId] } }), 400, 'VALIDATION_FAILED');
    expectError(
      await post(API_ROUTES.deadLetterReplay, { filter: { ids: Array.from({ length: 101 }, (_, i) => `dl-${i}`) }, dryRun: true }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await post(API_ROUTES.deadLetterReplay, { filter: { ids: ['x'.repeat(60)] }, dryRun: true, pad: 'y'.repeat(20_000) }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expectError(await post(API_ROUTES.transactionDecision(stuck[1]!), { decision: 'commit' }), 400, 'VALIDATION_FAILED');
    expectError(await post(API_ROUTES.transactionDecision(stuck[1]!), { decision: 'commit', reason: 'ok' }), 400, 'VALIDATION_FAILED');
    expectError(
      await post(API_ROUTES.transactionDecision(stuck[1]!), { decision: 'maybe', reason: 'a long enough reason' }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await post(API_ROUTES.transactionDecision(stuck[1]!), { decision: 'commit', reason: 'r'.repeat(501) }),
      400,
      'VALIDATION_FAILED',
    );
    expect((await database.db.selectFrom('txc_tx').select('state').where('tx_id', '=', stuck[1]!).executeTakeFirstOrThrow()).state).toBe(
      'PREPARED',
    );
  });

  it.skipIf(skip)('searches newest first with keyset pages and every filter', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await call(
        'GET',
        `${API_ROUTES.transactions}?businessKey=${encodeURIComponent(`purchase-${run}-stuck-1`)}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        { token: OPS.token },
      );
      expect(page.status, page.text).toBe(200);
      seen.push(...page.json.items.map((t: { txId: string }) => t.txId));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual([stuck[1]]);
    const all: string[] = [];
    cursor = null;
    do {
      const page: Answer = await call(
        'GET',
        `${API_ROUTES.transactions}?system=fund-trading&topic=${FUND_TRADE.topic}&tag=${FUND_TRADE.tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: OPS.token },
      );
      all.push(...page.json.items.map((t: { txId: string }) => t.txId));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(all).toEqual([committedTx, stuck[2], stuck[1], stuck[0]]);
    const prepared = await call('GET', `${API_ROUTES.transactions}?state=PREPARED&from=${new Date(Date.now() - 60_000).toISOString()}`, {
      token: OPS.token,
    });
    expect(prepared.json.items.map((t: { txId: string }) => t.txId)).toEqual([stuck[2], stuck[1], stuck[0]]);
    expect((await call('GET', `${API_ROUTES.transactions}?txId=${committedTx}`, { token: OPS.token })).json.items).toEqual([
      expect.objectContaining({ txId: committedTx, state: 'COMMITTED', delivery: 'done', stuck: false }),
    ]);
  });

  it.skipIf(skip)(
    'shows a committed transaction with its request, timeline, expected groups, consumption, absence and dead letters',
    async () => {
      const answer = await call('GET', API_ROUTES.transaction(committedTx), { token: OPS.token });
      expect(answer.status, answer.text).toBe(200);
      const detail = answer.json;
      expect(detail.transaction).toMatchObject({
        txId: committedTx,
        state: 'COMMITTED',
        systemId: 'fund-trading',
        messageId: expect.any(String),
      });
      expect(detail.request).toMatchObject({
        topic: FUND_TRADE.topic,
        tag: FUND_TRADE.tag,
        businessKey: `purchase-${run}-done`,
        payload: { amount: '100.00' },
      });
      expect(detail.envelope).toMatchObject({ eventId: committedTx, source: 'fund-trading' });
      expect(detail.timeline.map((e: { type: string }) => e.type)).toEqual(['PREPARED', 'PUBLISHED', 'COMMITTED', 'BROKER_NOTIFIED']);
      const groups = Object.fromEntries(detail.expectedGroups.map((g: { group: string }) => [g.group, g]));
      expect(Object.keys(groups).sort()).toEqual(['GID_TXC_DATACENTER_TRADE', 'GID_TXC_ORCH_TRADE']);
      expect(groups.GID_TXC_DATACENTER_TRADE).toMatchObject({
        functions: ['consumer-datacenter'],
        consumption: { status: 'COMPLETED', attempts: 1 },
        overdue: false,
      });
      expect(groups.GID_TXC_ORCH_TRADE).toMatchObject({ functions: ['consumer-orchestration'], consumption: null });
      expect(detail.deadLetters).toEqual([expect.objectContaining({ id: letterId, group: 'GID_TXC_ORCH_TRADE', status: 'NEW' })]);
      expect(detail.actions).toEqual({ check: false, decide: false });
      const letter = await call('GET', API_ROUTES.deadLetter(letterId), { token: OPS.token });
      expect(letter.json).toMatchObject({
        id: letterId,
        body: '{"v":1}',
        errorKind: 'transient',
        history: [{ attempt: 1, outcome: 'RETRY' }],
        replayable: { ok: true },
      });
    },
  );

  it.skipIf(skip)(
    'traces a business key through its transaction, every consumption, the archive and dead letters in time order',
    async () => {
      const answer = await call('GET', API_ROUTES.trace(`purchase-${run}-done`), { token: OPS.token });
      expect(answer.status, answer.text).toBe(200);
      const trace = answer.json;
      expect(trace.transactions).toEqual([
        expect.objectContaining({ txId: committedTx, expectedGroups: ['GID_TXC_ORCH_TRADE', 'GID_TXC_DATACENTER_TRADE'] }),
      ]);
      expect(trace.consumptions).toEqual([expect.objectContaining({ group: 'GID_TXC_DATACENTER_TRADE', status: 'COMPLETED' })]);
      expect(trace.archive).toEqual([expect.objectContaining({ group: 'GID_TXC_DATACENTER_TRADE', eventId: committedTx })]);
      expect(trace.deadLetters).toEqual([expect.objectContaining({ id: letterId })]);
      expect(new Set(trace.events.map((e: { kind: string }) => e.kind))).toEqual(new Set(['tx', 'consumption', 'archive', 'dead-letter']));
      const times = trace.events.map((e: { at: string }) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect((await call('GET', API_ROUTES.trace('nobody-here'), { token: OPS.token })).json).toMatchObject({
        transactions: [],
        events: [],
        truncated: false,
      });
    },
  );

  it.skipIf(skip)('decides a stuck transaction through the coordinator: timeline entry, the broker told, audit row', async () => {
    const txId = stuck[0]!;
    const early = await call('POST', API_ROUTES.transactionDecision(committedTx), {
      token: OPS.token,
      body: { decision: 'rollback', reason: 'not stuck, must be refused' },
    });
    expectError(early, 409, 'TX_NOT_STUCK');
    // Past the check immunity.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, TEST_CHECK_IMMUNITY_SECONDS * 1_000 + 200)));
    expect((await call('GET', API_ROUTES.transaction(txId), { token: OPS.token })).json.actions).toEqual({ check: true, decide: true });
    const answer = await call('POST', API_ROUTES.transactionDecision(txId), {
      token: OPS.token,
      body: { decision: 'commit', reason: '  trading confirmed the wallet top-up by phone  ' },
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ transaction: { txId, state: 'COMMITTED', reason: 'operator' } });
    const timeline = await center.store.timeline(txId);
    expect(timeline.slice(0, 3).map((e) => e.type)).toEqual(['PREPARED', 'PUBLISHED', 'COMMITTED']);
    expect(timeline[2]).toMatchObject({
      actor: 'console:ops',
      detail: { reason: 'operator', operator: 'ops', note: 'trading confirmed the wallet top-up by phone' },
    });
    // The coordinator told the broker with the stored handle. Past the immunity the broker may already
    // have moved the half message to checking (handle expired): then, as for a gateway commit, the next
    // check-back delivers the stored decision.
    expect(timeline[3]).toMatchObject({
      type: answer.json.delivery === 'done' ? 'BROKER_NOTIFIED' : 'BROKER_NOTIFY_FAILED',
      actor: 'console:ops',
    });
    if (answer.json.delivery === 'pending-checkback') {
      await center.checkback().run(testContext());
      expect((await center.store.timeline(txId)).at(-1)).toMatchObject({
        type: 'BROKER_NOTIFIED',
        actor: 'checkback',
        detail: { decision: 'COMMIT' },
      });
    }
    // The broker delivered the committed message to subscribers.
    const delivered = await drainUntilKey(center.mq, FUND_TRADE.topic, WATCH_GROUP, txId);
    expect(delivered.map((m) => m.key)).toContain(txId);
    const audit = (await auditRows()).filter((row) => row.action === 'decision');
    expect(audit.map((row) => [row.actor, row.target, row.result])).toEqual([
      ['ops', committedTx, 'refused'],
      ['ops', txId, 'ok'],
    ]);
    expect(JSON.parse(audit[1]!.detail!)).toMatchObject({
      decision: 'commit',
      reason: 'trading confirmed the wallet top-up by phone',
      state: 'COMMITTED',
      delivery: answer.json.delivery,
    });
    expectError(
      await call('POST', API_ROUTES.transactionDecision(txId), {
        token: OPS.token,
        body: { decision: 'rollback', reason: 'second thoughts' },
      }),
      409,
      'TX_NOT_STUCK',
    );
  });

  it.skipIf(skip)('asks the business system now: an UNKNOWN answer only records the check, COMMIT decides', async () => {
    const txId = stuck[1]!;
    checkAnswer = 'UNKNOWN';
    // The previous test's check-back run may have checked it already.
    const checks = (await center.store.get(txId))!.checkCount;
    const unknown = await call('POST', API_ROUTES.transactionCheck(txId), { token: OPS.token });
    expect(unknown.status, unknown.text).toBe(200);
    expect(unknown.json).toMatchObject({ answer: 'UNKNOWN', transaction: { state: 'PREPARED', checks: checks + 1 } });
    checkAnswer = 'COMMIT';
    const commit = await call('POST', API_ROUTES.transactionCheck(txId), { token: OPS.token, body: {} });
    expect(commit.json).toMatchObject({ answer: 'COMMIT', transaction: { state: 'COMMITTED', reason: 'checkback', checks: checks + 2 } });
    expect(checkback.calls.length).toBeGreaterThanOrEqual(2);
    const timeline = await center.store.timeline(txId);
    expect(timeline.filter((e) => e.type === 'CHECK' && e.detail?.requestedBy === 'console:ops').map((e) => e.detail?.answer)).toEqual([
      'UNKNOWN',
      'COMMIT',
    ]);
    expect(timeline.find((e) => e.type === 'COMMITTED')).toMatchObject({ actor: 'console:ops' });
    expect((await auditRows()).filter((row) => row.action === 'check').map((row) => row.result)).toEqual(['ok', 'ok']);
  });

  it.skipIf(skip)('replays a dead letter: preview first, then execute with a per-message report and audit rows', async () => {
    const preview = await call('POST', API_ROUTES.deadLetterReplay, {
      token: OPS.token,
      body: { filter: { ids: [letterId] }, dryRun: true },
    });
    expect(preview.json).toMatchObject({ dryRun: true, matched: 1, results: [{ id: letterId, result: 'would-replay' }] });
    expect(
      (await database.db.selectFrom('txc_dead_letter').select('status').where('id', '=', letterId).executeTakeFirstOrThrow()).status,
    ).toBe('NEW');
    const executed = await call('POST', API_ROUTES.deadLetterReplay, {
      token: OPS.token,
      body: { filter: { ids: [letterId] }, dryRun: false },
    });
    expect(executed.json).toMatchObject({
      dryRun: false,
      matched: 1,
      counts: { replayed: 1 },
      results: [{ id: letterId, result: 'replayed', messageId: expect.any(String) }],
    });
    const again = await call('POST', API_ROUTES.deadLetterReplay, {
      token: OPS.token,
      body: { filter: { ids: [letterId] }, dryRun: false },
    });
    expect(again.json.results).toEqual([expect.objectContaining({ result: 'skipped', code: 'ALREADY_REPLAYED' })]);
    const list = await call('GET', `${API_ROUTES.deadLetters}?status=REPLAYED&group=GID_TXC_ORCH_TRADE`, { token: OPS.token });
    expect(list.json.items.map((d: { id: string }) => d.id)).toEqual([letterId]);
    const audit = (await auditRows()).filter((row) => row.action === 'replay' && row.actor === 'ops').map((row) => JSON.parse(row.detail!));
    expect(audit.slice(-3).map((d) => [d.dryRun, d.counts])).toEqual([
      [true, expect.objectContaining({ 'would-replay': 1 })],
      [false, expect.objectContaining({ replayed: 1 })],
      [false, expect.objectContaining({ skipped: 1 })],
    ]);
  });

  it.skipIf(skip)('reports the overview, subscribers, reconcile runs, incidents and the audit log', async () => {
    const overview = (await call('GET', API_ROUTES.overview, { token: VIEWER.token })).json;
    expect(overview.transactions.lastDay.COMMITTED).toBeGreaterThanOrEqual(1);
    expect(overview.stuck.count).toBe(overview.stuck.oldest.length);
    expect(overview.lastReconcile).toMatchObject({ runId: `run-${run}`, clean: false, deadLetters: 1 });
    expect(overview.incidents.open).toBeGreaterThanOrEqual(1);
    expect(overview.backlog.map((b: { group: string }) => b.group).sort()).toEqual(
      catalog()
        .groups.map((g) => g.id)
        .sort(),
    );
    expect(overview.checks.answers).toMatchObject({ UNKNOWN: expect.any(Number), COMMIT: 1 });
    expect(overview.checks.decisionsByReason).toMatchObject({ operator: 1, checkback: 1 });
    const subscribers = (await call('GET', `${API_ROUTES.subscribers}?window=1h`, { token: VIEWER.token })).json;
    expect(subscribers.items.find((s: { group: string }) => s.group === 'GID_TXC_DATACENTER_TRADE')).toMatchObject({
      consumed: 1,
      functions: ['consumer-datacenter'],
      window: '1h',
    });
    const subscriber = (await call('GET', API_ROUTES.subscriber('GID_TXC_ORCH_TRADE'), { token: VIEWER.token })).json;
    expect(subscriber).toMatchObject({
      group: 'GID_TXC_ORCH_TRADE',
      deadLetters: { total: 1 },
      recentDeadLetters: [expect.objectContaining({ id: letterId })],
    });
    expect(subscriber.attemptsHistogram).toEqual({});
    const runs = (await call('GET', API_ROUTES.reconcileRuns, { token: VIEWER.token })).json;
    expect(runs.items[0]).toMatchObject({ runId: `run-${run}`, clean: false });
    expect((await call('GET', API_ROUTES.reconcileRun(`run-${run}`), { token: VIEWER.token })).json.report).toMatchObject({
      runId: `run-${run}`,
    });
    const incidents = (await call('GET', `${API_ROUTES.incidents}?open=true`, { token: VIEWER.token })).json;
    expect(incidents.items[0]).toMatchObject({ kind: 'dead-letter', occurrences: 2, open: true });
    expect((await call('GET', API_ROUTES.incident(incidents.items[0].incidentKey), { token: VIEWER.token })).json).toMatchObject({
      occurrences: 2,
    });
    const audit = (await call('GET', `${API_ROUTES.audit}?action=decision&limit=1`, { token: VIEWER.token })).json;
    expect(audit.items).toEqual([
      expect.objectContaining({
        action: 'decision',
        result: 'refused',
        actor: 'ops',
        detail: expect.objectContaining({ code: 'TX_NOT_STUCK', reason: 'second thoughts' }),
      }),
    ]);
    const older = (await call('GET', `${API_ROUTES.audit}?action=decision&limit=1&cursor=${audit.nextCursor}`, { token: VIEWER.token }))
      .json;
    expect(older.items).toEqual([expect.objectContaining({ action: 'decision', result: 'ok' })]);
  });

  it.skipIf(skip)('exposes Prometheus metrics to bearer tokens only', async () => {
    const { cookie } = await login(OPS);
    expectError(await call('GET', API_ROUTES.metrics, { cookie }), 401, 'UNAUTHENTICATED');
    const answer = await call('GET', API_ROUTES.metrics, { token: VIEWER.token });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    expect(answer.text).toMatch(/^txcenter_transactions_stuck \d+$/m);
    expect(answer.text).toMatch(/^txcenter_transactions\{state="COMMITTED",window="24h"\} [1-9]\d*$/m);
    expect(answer.text).toMatch(/^txcenter_reconcile_last_clean 0$/m);
    expect(answer.text).toMatch(/^txcenter_dead_letters_pending\{group="GID_TXC_ORCH_TRADE"\} 0$/m);
    expect(answer.text).toMatch(/^txcenter_console_actions_total\{action="decision",result="ok"\} 1$/m);
    expect(answer.text).not.toContain(committedTx);
  });
});

describe('tx-console /metrics gauges', () => {
  it('reads the store at most once per TTL per instance; concurrent scrapes share one read; ages stay current', async () => {
    let clock = 1_000_000;
    let reads = 0;
    const gauges = async () => {
      reads += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      const none = { PREPARED: 0, COMMITTED: 0, ROLLED_BACK: 0 };
      return {
        byState: { lastHour: none, lastDay: none },
        stuck: { count: reads, oldestCreatedAt: 1_000_000 - 60_000 },
        deadLettersByGroup: [],
        backlog: [],
        openIncidents: 0,
        lastReconcile: null,
      };
    };
    const app = createConsoleApp({
      services: async () => ({ status: { gauges } }) as never,
      operators: new Operators([{ name: 'ops', role: 'operator', tokenHash: hashToken(OPS.token) }]),
      sessions: new SessionSigner({ secret: SESSION_SECRET, ttlSeconds: 60, secure: true }),
      metrics: new ConsoleMetrics(),
      assets: {},
      groups: [],
      logger: silentLogger,
      now: () => clock,
      metricsGaugesTtlMs: 5_000,
    });
    const server = await serveHttpApp(app);
    const scrape = async () => {
      const response = await fetch(`${server.url}${API_ROUTES.metrics}`, { headers: { authorization: `Bearer ${OPS.token}` } });
      const text = await response.text();
      return {
        stuck: /^txcenter_transactions_stuck (\d+)$/m.exec(text)?.[1],
        age: /^txcenter_oldest_stuck_prepared_age_seconds (\d+)$/m.exec(text)?.[1],
      };
    };
    try {
      expect(await scrape()).toEqual({ stuck: '1', age: '60' });
      clock += 4_000;
      expect(await scrape()).toEqual({ stuck: '1', age: '64' });
      expect(reads).toBe(1);
      clock += 1_000;
      expect(await Promise.all([scrape(), scrape(), scrape()])).toEqual(Array(3).fill({ stuck: '2', age: '65' }));
      expect(reads).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe('tx-console /metrics in a local stack', () => {
  it('shows the supervisor restart count of each function process when the stack supplies it', async () => {
    const none = { PREPARED: 0, COMMITTED: 0, ROLLED_BACK: 0 };
    const gauges = async () => ({
      byState: { lastHour: none, lastDay: none },
      stuck: { count: 0, oldestCreatedAt: null },
      deadLettersByGroup: [],
      backlog: [],
      openIncidents: 0,
      lastReconcile: null,
    });
    let restarts: Record<string, number> | undefined;
    const app = createConsoleApp({
      services: async () => ({ status: { gauges } }) as never,
      operators: new Operators([{ name: 'ops', role: 'operator', tokenHash: hashToken(OPS.token) }]),
      sessions: new SessionSigner({ secret: SESSION_SECRET, ttlSeconds: 60, secure: true }),
      metrics: new ConsoleMetrics(),
      assets: {},
      groups: [],
      logger: silentLogger,
      functionRestarts: () => restarts,
    });
    const server = await serveHttpApp(app);
    const scrape = async () =>
      (await (await fetch(`${server.url}${API_ROUTES.metrics}`, { headers: { authorization: `Bearer ${OPS.token}` } })).text())
        .split('\n')
        .filter((line) => line.startsWith('txcenter_local_function_restarts{'));
    try {
      expect(await scrape()).toEqual([]); // no status file yet: no series, no error
      restarts = { 'consumer-ops': 0, 'tx-gateway': 2 };
      expect(await scrape()).toEqual([
        'txcenter_local_function_restarts{fn="consumer-ops"} 0',
        'txcenter_local_function_restarts{fn="tx-gateway"} 2',
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('tx-console failures', () => {
  it('answers an internal failure with a generic 500: no stack, no URL, no secret', async () => {
    const logged: object[] = [];
    const logger = { ...silentLogger, error: (fields: object) => logged.push(fields), child: () => logger };
    const app = createConsoleApp({
      services: async () => {
        throw new Error('connect ECONNREFUSED mysql://root:s3cret@10.0.0.7:3306/txc');
      },
      operators: new Operators([{ name: 'ops', role: 'operator', tokenHash: hashToken(OPS.token) }]),
      sessions: new SessionSigner({ secret: SESSION_SECRET, ttlSeconds: 60, secure: true }),
      metrics: new ConsoleMetrics(),
      assets: {},
      groups: [],
      logger,
    });
    const server = await serveHttpApp(app);
    try {
      const response = await fetch(`${server.url}${API_ROUTES.overview}`, { headers: { authorization: `Bearer ${OPS.token}` } });
      const text = await response.text();
      expect(response.status).toBe(500);
      expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
      expect(JSON.stringify(logged)).not.toMatch(/s3cret|10\.0\.0\.7|mysql:\/\//);
      expect(logged).toEqual([expect.objectContaining({ route: 'overview', code: 'INTERNAL', err: { type: 'Error', code: undefined } })]);
    } finally {
      await server.close();
    }
  });
});
