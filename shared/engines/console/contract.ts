/**
 * @module console/contract — the zod-free half of tx-console's contract (routes, names, limits), so
 * the browser UI bundles it without zod (~34 KB). {@link ./api} re-exports all of it; see there for
 * the conventions.
 */

/** Prefix of every JSON route. */
export const API_PREFIX = '/api';

/** Local port of tx-console in `txcenter start`. */
export const CONSOLE_DEFAULT_PORT = 8083;

// ───────────────────────────── routes ─────────────────────────────

const seg = encodeURIComponent;

/**
 * Every route the server answers. Functions build concrete paths (values are URI-encoded).
 * Method in the comment; ★ = operator role + CSRF (cookie sessions).
 */
export const API_ROUTES = {
  /**
   * POST {@link LoginBody} → {@link SessionInfo} + Set-Cookie; GET → {@link SessionInfo}; DELETE →
   * `{ok: true}`: ends this session server-side (the cookie stops working everywhere) and clears it.
   */
  session: '/api/session',
  /** ★ DELETE → `{operator, revokedAt}`: ends every session of that operator issued until now. */
  operatorSessions: (name: string) => `/api/operators/${seg(name)}/sessions`,
  /** GET → {@link Overview}. */
  overview: '/api/overview',
  /** GET ?{@link TransactionSearch} → {@link Page}<{@link TxSummary}>. */
  transactions: '/api/transactions',
  /** GET → {@link TransactionDetail}. */
  transaction: (txId: string) => `/api/transactions/${seg(txId)}`,
  /** ★ POST (empty body or `{}`) → {@link CheckNowResult}: asks the business system now. */
  transactionCheck: (txId: string) => `/api/transactions/${seg(txId)}/check`,
  /** ★ POST {@link DecisionBody} → {@link DecisionResult}: commit/rollback through the coordinator. */
  transactionDecision: (txId: string) => `/api/transactions/${seg(txId)}/decision`,
  /** GET → {@link Trace}. */
  trace: (businessKey: string) => `/api/trace/${seg(businessKey)}`,
  /** GET ?{@link WindowQuery} → `{items: SubscriberSummary[]}` (every catalog group, not paged). */
  subscribers: '/api/subscribers',
  /** GET ?{@link WindowQuery} → {@link SubscriberDetail}. */
  subscriber: (group: string) => `/api/subscribers/${seg(group)}`,
  /** GET ?{@link DeadLetterSearch} → {@link Page}<{@link DeadLetterSummary}>. */
  deadLetters: '/api/dead-letters',
  /** GET → {@link DeadLetterDetail}. */
  deadLetter: (id: string) => `/api/dead-letters/${seg(id)}`,
  /** ★ POST {@link ReplayBody} → {@link ReplayReport}. Preview with `dryRun: true` first. */
  deadLetterReplay: '/api/dead-letters/replay',
  /** GET ?{@link PageQuery} → {@link Page}<{@link ReconcileRunSummary}>. */
  reconcileRuns: '/api/reconcile-runs',
  /** GET → {@link ReconcileRunDetail}. */
  reconcileRun: (runId: string) => `/api/reconcile-runs/${seg(runId)}`,
  /** GET ?{@link IncidentSearch} → {@link Page}<{@link IncidentView}>. */
  incidents: '/api/incidents',
  /** GET → {@link IncidentView}. */
  incident: (incidentKey: string) => `/api/incidents/${seg(incidentKey)}`,
  /** GET ?{@link AuditSearch} → {@link Page}<{@link AuditEntry}>. */
  audit: '/api/audit',
  /** GET, `authorization: Bearer <token>` of any operator → Prometheus text format. */
  metrics: '/metrics',
} as const;

/**
 * The UI's own routes: hash routes of the single page served at `/`, so deep links need no server
 * route. The demo prints `<console>/#/trace/<key>`; the UI must accept every one of these.
 */
export const UI_ROUTES = {
  login: '#/login',
  overview: '#/overview',
  /** Search; the query string carries {@link TransactionSearch} fields, e.g. `#/transactions?businessKey=p-1`. */
  transactions: (query: Readonly<Record<string, string>> = {}) => {
    const search = new URLSearchParams(query).toString();
    return search ? `#/transactions?${search}` : '#/transactions';
  },
  transaction: (txId: string) => `#/transactions/${seg(txId)}`,
  trace: (businessKey: string) => `#/trace/${seg(businessKey)}`,
  /** PREPARED transactions past their check immunity (the transactions search with `stuck=true`). */
  stuck: '#/stuck',
  subscribers: '#/subscribers',
  subscriber: (group: string) => `#/subscribers/${seg(group)}`,
  deadLetters: '#/dead-letters',
  deadLetter: (id: string) => `#/dead-letters/${seg(id)}`,
  reconcileRuns: '#/reconcile-runs',
  reconcileRun: (runId: string) => `#/reconcile-runs/${seg(runId)}`,
  incidents: '#/incidents',
  incident: (incidentKey: string) => `#/incidents/${seg(incidentKey)}`,
  audit: '#/audit',
} as const;

/** A URL of the console UI for a base URL such as `http://127.0.0.1:8083`. */
export function consoleUiUrl(baseUrl: string, route: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${route}`;
}

// ───────────────────────────── limits ─────────────────────────────

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;
/** Largest request body the console reads (a replay of 100 ids is ~7 KB). */
export const MAX_REQUEST_BODY_BYTES = 16 * 1024;
/** Dead letters one replay request may name or match. */
export const MAX_REPLAY_IDS = 100;
export const MIN_REASON_LENGTH = 5;
export const MAX_REASON_LENGTH = 500;

// ───────────────────────────── names ─────────────────────────────

export const TX_STATE_NAMES = ['PREPARED', 'COMMITTED', 'ROLLED_BACK'] as const;
export type TxStateName = (typeof TX_STATE_NAMES)[number];

export const DEAD_LETTER_STATUS_NAMES = ['NEW', 'REPLAYING', 'REPLAYED', 'REPLAY_FAILED'] as const;

/** Time window of the subscriber figures (consumed count, histogram, conflicts). */
export const WINDOWS = { '1h': 3_600, '24h': 86_400, '7d': 604_800 } as const;

export const AUDIT_ACTIONS = ['login', 'logout', 'revoke', 'replay', 'check', 'decision'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export const AUDIT_RESULTS = ['ok', 'failed', 'refused'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];
