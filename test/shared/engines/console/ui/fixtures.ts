/** Sample API answers shaped by shared/engines/console/api.ts, and a page context around a fake fetch. */
import type {
  DeadLetterDetail,
  DeadLetterSummary,
  Overview,
  ReplayReport,
  SessionInfo,
  Trace,
  TransactionDetail,
  TxSummary,
} from '../../../../../shared/engines/console/api';
import type { FetchLike } from '../../../../../shared/engines/console/ui/apiClient';
import { ConsoleApi } from '../../../../../shared/engines/console/ui/apiClient';
import type { UiContext } from '../../../../../shared/engines/console/ui/context';
import type { Lang } from '../../../../../shared/engines/console/ui/i18n';
import { translator } from '../../../../../shared/engines/console/ui/i18n';

export const HOSTILE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';

export function session(role: 'viewer' | 'operator' = 'operator'): SessionInfo {
  return { operator: { name: role === 'operator' ? 'ops' : 'watcher', role }, csrfToken: 'csrf-1', expiresAt: '2026-11-27T12:00:00.000Z' };
}

export function tx(overrides: Partial<TxSummary> = {}): TxSummary {
  return {
    txId: 'tx-1',
    systemId: 'trading',
    businessKey: 'p-1',
    topic: 'trade',
    tag: 'PurchaseConfirmed',
    state: 'COMMITTED',
    broker: 'DECISION_DELIVERED',
    delivery: 'done',
    reason: 'client',
    checks: 0,
    createdAt: '2026-11-27T10:00:00.000Z',
    decidedAt: '2026-11-27T10:00:01.000Z',
    stuck: false,
    ...overrides,
  };
}

export function deadLetter(overrides: Partial<DeadLetterSummary> = {}): DeadLetterSummary {
  return {
    id: 'dl-1',
    group: 'GID_points',
    topic: 'trade',
    tag: 'PurchaseConfirmed',
    messageKey: 'p-1',
    messageId: 'm-1',
    errorCode: 'E_DOWN',
    errorMessage: 'points service down',
    attempts: 3,
    status: 'NEW',
    replayOf: null,
    replayMessageId: null,
    replayedAt: null,
    deadLetteredAt: '2026-11-27T10:05:00.000Z',
    ...overrides,
  };
}

export function deadLetterDetail(overrides: Partial<DeadLetterDetail> = {}): DeadLetterDetail {
  return {
    ...deadLetter(),
    body: '{"amount":"100.00"}',
    properties: { KEYS: 'p-1' },
    errorKind: 'transient',
    history: [],
    consumption: null,
    replayable: { ok: true },
    ...overrides,
  } as DeadLetterDetail;
}

export function detail(overrides: Partial<TxSummary> = {}, actions = { check: false, decide: false }): TransactionDetail {
  const summary = tx(overrides);
  return {
    transaction: { ...summary, messageId: 'm-1', checkbackPath: '/check', immunityEndsAt: '2026-11-27T10:01:00.000Z' },
    request: {
      topic: summary.topic,
      tag: summary.tag,
      businessKey: summary.businessKey,
      keys: [summary.businessKey],
      payload: { amount: '100.00' },
    },
    envelope: { eventId: 'e-1', payload: { amount: '100.00' } },
    properties: { KEYS: summary.businessKey },
    timeline: [{ at: summary.createdAt, type: 'PREPARED', state: 'PREPARED', actor: 'trading', detail: null }],
    expectedGroups: [
      {
        group: 'GID_points',
        functions: ['points-consumer'],
        slaSeconds: 60,
        overdue: false,
        consumption: {
          group: 'GID_points',
          status: 'COMPLETED',
          attempts: 1,
          firstAt: summary.createdAt,
          updatedAt: summary.createdAt,
          completedAt: summary.createdAt,
          lastErrorCode: null,
          summary: null,
          deadLetterId: null,
          txId: summary.txId,
          businessKey: summary.businessKey,
          tag: summary.tag,
          history: [],
        },
      },
      { group: 'GID_archive', functions: ['archive-consumer'], slaSeconds: 60, overdue: true, consumption: null },
    ],
    deadLetters: [],
    conflicts: { consumers: [], sameBusinessKey: [] },
    actions,
  };
}

export function trace(businessKey = 'p-1'): Trace {
  const t1 = { ...tx({ businessKey }), expectedGroups: ['GID_points', 'GID_archive'] };
  return {
    businessKey,
    transactions: [t1],
    consumptions: [
      {
        group: 'GID_points',
        status: 'COMPLETED',
        attempts: 1,
        firstAt: t1.createdAt,
        updatedAt: t1.createdAt,
        completedAt: t1.createdAt,
        lastErrorCode: null,
        summary: businessKey,
        deadLetterId: null,
        txId: t1.txId,
        businessKey,
        tag: t1.tag,
      },
    ],
    archive: [],
    deadLetters: [deadLetter({ messageKey: businessKey, errorMessage: businessKey })],
    events: [{ at: t1.createdAt, kind: 'tx', txId: t1.txId, group: null, type: 'PREPARED', text: businessKey }],
    truncated: false,
  };
}

export function overview(): Overview {
  return {
    generatedAt: '2026-11-27T10:10:00.000Z',
    transactions: { lastHour: { PREPARED: 1, COMMITTED: 10, ROLLED_BACK: 2 }, lastDay: { PREPARED: 1, COMMITTED: 100, ROLLED_BACK: 5 } },
    stuck: {
      count: 1,
      oldestAgeSeconds: 3725,
      oldest: [tx({ state: 'PREPARED', stuck: true, delivery: 'not-decided', txId: 'tx-stuck' })],
    },
    checks: { lastHour: 2, lastDay: 7, answers: { COMMIT: 5, UNKNOWN: 2 }, decisionsByReason: { client: 100, checkback: 5 } },
    deadLetters: { pending: 1, byGroup: [{ group: 'GID_points', count: 1, oldestAt: '2026-11-27T10:05:00.000Z' }] },
    backlog: [{ group: 'GID_archive', topic: 'trade', slaSeconds: 60, count: 3 }],
    incidents: { open: 0, recent: [] },
    lastReconcile: {
      runId: 'r-1',
      finishedAt: '2026-11-27T10:00:00.000Z',
      clean: true,
      truncated: false,
      stuckPrepared: 0,
      missingConsumption: 0,
      deadLetters: 1,
      ageSeconds: 600,
    },
  };
}

export function report(dryRun: boolean, ids: readonly string[] = ['dl-1']): ReplayReport {
  const kind = dryRun ? 'would-replay' : 'replayed';
  return {
    dryRun,
    matched: ids.length,
    counts: { replayed: dryRun ? 0 : ids.length, 'would-replay': dryRun ? ids.length : 0, skipped: 0, refused: 0, failed: 0 },
    results: ids.map((id) => ({
      id,
      group: 'GID_points',
      topic: 'trade',
      tag: 'PurchaseConfirmed',
      key: 'p-1',
      result: kind,
      ...(dryRun ? {} : { messageId: `new-${id}` }),
    })),
  };
}

export interface RecordedCall {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/**
 * A fetch that answers from `routes` (`'METHOD /path'` → [status, body]) and records each call: the
 * console server is not under test here (the browser tests run the real one).
 */
export function fakeFetch(routes: Record<string, readonly [number, unknown] | ((body: unknown) => readonly [number, unknown])>): {
  fetch: FetchLike;
  calls: RecordedCall[];
} {
  const calls: RecordedCall[] = [];
  const fetch: FetchLike = async (url, init) => {
    const body = init.body === undefined ? undefined : (JSON.parse(init.body) as unknown);
    calls.push({ method: init.method, url, headers: init.headers, body });
    const route = routes[`${init.method} ${url}`];
    const [status, answer] =
      route === undefined
        ? [404, { error: { code: 'ROUTE_NOT_FOUND', message: 'no route' } }]
        : typeof route === 'function'
          ? route(body)
          : route;
    return { status, ok: status >= 200 && status < 300, text: async () => (typeof answer === 'string' ? answer : JSON.stringify(answer)) };
  };
  return { fetch, calls };
}

/** A page context whose rerender counts draws. */
export function context(
  options: { role?: 'viewer' | 'operator'; lang?: Lang; fetch?: FetchLike } = {},
): UiContext & { draws: number; went: string[] } {
  const api = new ConsoleApi(options.fetch ?? fakeFetch({}).fetch);
  const s = session(options.role);
  api.useSession(s);
  const ctx = {
    t: translator(options.lang ?? 'zh-CN'),
    lang: options.lang ?? 'zh-CN',
    session: s,
    canAct: s.operator.role === 'operator',
    api,
    draws: 0,
    went: [] as string[],
    go: (route: string) => void ctx.went.push(route),
    rerender: () => void (ctx.draws += 1),
    reload: () => undefined,
  };
  return ctx;
}
