/**
 * @module console/api — the contract of tx-console's JSON API, shared by the server
 * (`shared/engines/console/*`, `functions/tx-console`) and the browser UI (`shared/engines/console/ui`).
 *
 * Conventions (every route):
 * - Every answer is JSON (`content-type: application/json`), except `GET /`, `GET /assets/*` (the UI)
 *   and `GET /metrics` (Prometheus text). Errors are `{error: {code, message, details?}}` with the
 *   status of {@link ERROR_STATUS}; `code` is stable (the UI translates it), `message` is English.
 * - Times are ISO 8601 UTC strings (`2026-11-27T10:00:00.000Z`); ages and durations are in seconds.
 * - Lists are pages `{items, nextCursor}`, newest first, keyset-paged: pass `nextCursor` back as
 *   `cursor` for the next page (opaque string; `null` = last page). `limit` ≤ {@link MAX_PAGE_LIMIT}.
 * - Authentication: the session cookie (`POST /api/session`), or `authorization: Bearer <token>` for
 *   API clients. With a cookie, every state-changing request (POST, DELETE) must carry the header
 *   `x-csrf-token` with the session's `csrfToken` (from `POST` or `GET /api/session`); with a bearer
 *   token no CSRF header is needed. Viewers may read everything; replay, check and decision need the
 *   `operator` role (403 `FORBIDDEN` otherwise).
 * - Query strings: unknown parameters are refused (400), so typos surface.
 *
 * The UI is served with `content-security-policy: default-src 'self'; script-src 'self';
 * style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none';
 * form-action 'self'`: no inline `<script>`/`<style>` or `style="…"` attributes, no external asset.
 */
import * as z from '../../zod';
import {
  MAX_PAGE_LIMIT,
  MAX_REPLAY_IDS,
  MIN_REASON_LENGTH,
  MAX_REASON_LENGTH,
  TX_STATE_NAMES,
  DEAD_LETTER_STATUS_NAMES,
  AUDIT_ACTIONS,
} from './contract';
import type { TxStateName, AuditAction, AuditResult } from './contract';

export {
  API_PREFIX,
  CONSOLE_DEFAULT_PORT,
  API_ROUTES,
  UI_ROUTES,
  consoleUiUrl,
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  MAX_REQUEST_BODY_BYTES,
  MAX_REPLAY_IDS,
  MIN_REASON_LENGTH,
  MAX_REASON_LENGTH,
  TX_STATE_NAMES,
  DEAD_LETTER_STATUS_NAMES,
  WINDOWS,
  AUDIT_ACTIONS,
  AUDIT_RESULTS,
} from './contract';
export type { TxStateName, AuditAction, AuditResult } from './contract';

// ───────────────────────────── static UI ─────────────────────────────

/**
 * One static file of the UI. `shared/engines/console/ui/assets.ts` exports
 * `UI_ASSETS: Readonly<Record<string, UiAsset>>` keyed by URL path: `'/'` (the HTML page) and
 * `'/assets/<name>'` (CSS, JS, images). esbuild bundles it into tx-console; nothing is read from disk.
 */
export interface UiAsset {
  readonly contentType: string;
  /** UTF-8 text, or base64 when {@link base64} is true (binary files). */
  readonly body: string;
  readonly base64?: boolean;
}

// ───────────────────────────── errors ─────────────────────────────

/** Every error code the console answers, with its HTTP status. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  /** No or bad session/bearer token (also an expired session). */
  UNAUTHENTICATED: 401,
  /** Wrong name or password. */
  LOGIN_FAILED: 401,
  /** The role may not do this (viewer). */
  FORBIDDEN: 403,
  /** Cookie session without (or with a wrong) `x-csrf-token`. */
  CSRF_FAILED: 403,
  ROUTE_NOT_FOUND: 404,
  TX_NOT_FOUND: 404,
  DEAD_LETTER_NOT_FOUND: 404,
  SUBSCRIBER_NOT_FOUND: 404,
  RECONCILE_RUN_NOT_FOUND: 404,
  INCIDENT_NOT_FOUND: 404,
  /** No operator of that name in TXC_OPERATORS. */
  OPERATOR_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  /** Check/decision on a transaction that is not PREPARED or still within its check immunity. */
  TX_NOT_STUCK: 409,
  /** The transaction was decided otherwise meanwhile. */
  TX_STATE_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** Too many failed logins for this name from this address: `details.retryAfterSeconds`, header Retry-After. */
  LOGIN_LOCKED: 429,
  INTERNAL: 500,
  /** The database or broker is unreachable; retry later (Retry-After). */
  UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly details?: Record<string, unknown> };
}

// ───────────────────────────── request schemas ─────────────────────────────

const name = z.string().check(z.regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'letters, digits and _ . @ -, at most 64 characters'));
/** An operator's name (TXC_OPERATORS), e.g. in a path. */
export const operatorNameSchema = name;
const resourceName = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, at most 64 characters'));
/** Transaction and dead-letter ids, run ids. */
export const idSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, at most 64 characters'));
/** Same alphabet as tx-gateway's business keys. */
export const businessKeySchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_.:\-/]{1,128}$/, 'letters, digits and _ . : - /, at most 128 characters'));
/** Incident keys are free text up to 191 characters (no control characters). */
export const incidentKeySchema = z
  .string()
  .check(z.minLength(1), z.maxLength(191), z.regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters'));

/** ISO 8601 time with offset, or epoch milliseconds → epoch ms. */
const instant = z.union([
  z.pipe(z.string().check(z.regex(/^\d{1,15}$/)), z.transform(Number)),
  z.pipe(
    z.iso.datetime({ offset: true }),
    z.transform((value: string) => Date.parse(value)),
  ),
]);
const cursor = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,300}$/, 'a cursor returned by the previous page'));
const limit = z
  .pipe(z.string().check(z.regex(/^\d{1,4}$/)), z.transform(Number))
  .check(z.refine((n: number) => n >= 1 && n <= MAX_PAGE_LIMIT, `between 1 and ${MAX_PAGE_LIMIT}`));
const flag = z.pipe(
  z.enum(['true', 'false']),
  z.transform((value: 'true' | 'false') => value === 'true'),
);

/** `POST /api/session`. */
export const loginBodySchema = z.strictObject({ name, password: z.string().check(z.minLength(1), z.maxLength(256)) });
export type LoginBody = z.output<typeof loginBodySchema>;

/** Paging parameters every list accepts. */
export const pageQueryShape = { cursor: z.optional(cursor), limit: z.optional(limit) };
export const pageQuerySchema = z.strictObject(pageQueryShape);
export type PageQuery = z.output<typeof pageQuerySchema>;

/**
 * `GET /api/transactions` (all optional, combined with AND; `from`/`to` bound the creation time,
 * inclusive). `stuck=true` = PREPARED past the check immunity.
 */
export const transactionSearchSchema = z.strictObject({
  txId: z.optional(idSchema),
  businessKey: z.optional(businessKeySchema),
  system: z.optional(resourceName),
  topic: z.optional(resourceName),
  tag: z.optional(resourceName),
  state: z.optional(z.enum(TX_STATE_NAMES)),
  stuck: z.optional(flag),
  from: z.optional(instant),
  to: z.optional(instant),
  ...pageQueryShape,
});
export type TransactionSearch = z.output<typeof transactionSearchSchema>;

/** `GET /api/dead-letters`; `from`/`to` bound the dead-lettering time. */
export const deadLetterSearchSchema = z.strictObject({
  group: z.optional(resourceName),
  tag: z.optional(resourceName),
  status: z.optional(z.enum(DEAD_LETTER_STATUS_NAMES)),
  from: z.optional(instant),
  to: z.optional(instant),
  ...pageQueryShape,
});
export type DeadLetterSearch = z.output<typeof deadLetterSearchSchema>;

/**
 * `POST /api/dead-letters/replay`. `filter` names the dead letters: a list of ids (≤ 100), or a
 * group/tag/time filter (the newest 100 matching NEW letters at most). `dryRun` is
 * required: `true` previews (publishes nothing), `false` executes.
 */
export const replayBodySchema = z.strictObject({
  filter: z
    .strictObject({
      ids: z.optional(z.array(idSchema).check(z.minLength(1), z.maxLength(MAX_REPLAY_IDS))),
      group: z.optional(resourceName),
      tag: z.optional(resourceName),
      from: z.optional(z.union([z.int().check(z.nonnegative()), z.iso.datetime({ offset: true })])),
      to: z.optional(z.union([z.int().check(z.nonnegative()), z.iso.datetime({ offset: true })])),
    })
    .check(
      z.refine(
        (filter) => Boolean(filter.ids || filter.group || filter.tag || filter.from !== undefined || filter.to !== undefined),
        'name the dead letters: ids, group, tag, from or to',
      ),
    ),
  dryRun: z.boolean(),
  /** Publishes per second (default 5, at most 100). */
  ratePerSecond: z.optional(z.number().check(z.positive(), z.maximum(100))),
});
export type ReplayBody = z.output<typeof replayBodySchema>;

/** `POST /api/transactions/:txId/decision`. The reason is mandatory and goes to the timeline and the audit log. */
export const decisionBodySchema = z.strictObject({
  decision: z.enum(['commit', 'rollback']),
  reason: z.string().check(z.trim(), z.minLength(MIN_REASON_LENGTH), z.maxLength(MAX_REASON_LENGTH)),
});
export type DecisionBody = z.output<typeof decisionBodySchema>;

/** `POST /api/transactions/:txId/check`: no fields (an empty body is fine). */
export const checkBodySchema = z.strictObject({});

export const windowQuerySchema = z.strictObject({ window: z._default(z.enum(['1h', '24h', '7d']), '24h') });
export type WindowQuery = z.output<typeof windowQuerySchema>;

/** `GET /api/incidents`: `open=true` = only incidents whose aggregation window is still open. */
export const incidentSearchSchema = z.strictObject({ open: z.optional(flag), ...pageQueryShape });
export type IncidentSearch = z.output<typeof incidentSearchSchema>;

/** `GET /api/audit`. */
export const auditSearchSchema = z.strictObject({ actor: z.optional(name), action: z.optional(z.enum(AUDIT_ACTIONS)), ...pageQueryShape });
export type AuditSearch = z.output<typeof auditSearchSchema>;

// ───────────────────────────── response types ─────────────────────────────

export type Role = 'viewer' | 'operator';

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  readonly nextCursor: string | null;
}

export interface SessionInfo {
  readonly operator: { readonly name: string; readonly role: Role };
  /** Send as `x-csrf-token` on POST/DELETE with the cookie session ("" for a bearer token, which needs none). */
  readonly csrfToken: string;
  /** When the session ends (null for a bearer token). */
  readonly expiresAt: string | null;
}

export type Delivery = 'not-decided' | 'done' | 'pending-checkback';

export interface TxSummary {
  readonly txId: string;
  readonly systemId: string;
  readonly businessKey: string;
  readonly topic: string;
  readonly tag: string;
  readonly state: TxStateName;
  /** Broker-side state: PUBLISH_PENDING, HALF, DECISION_PENDING, DECISION_DELIVERED, NOT_PUBLISHED. */
  readonly broker: string;
  readonly delivery: Delivery;
  /** Why it was decided: client, checkback, policy, publish-failed, operator. */
  readonly reason: string | null;
  readonly checks: number;
  readonly createdAt: string;
  readonly decidedAt: string | null;
  /** PREPARED past its check immunity: an operator may check or decide it. */
  readonly stuck: boolean;
}

export interface TimelineEntry {
  readonly at: string;
  /** PREPARED, PUBLISHED, PUBLISH_FAILED, COMMITTED, ROLLED_BACK, BROKER_NOTIFIED, BROKER_NOTIFY_FAILED, CHECK. */
  readonly type: string;
  readonly state: TxStateName;
  /** A system id, `checkback`, `policy`, `gateway`, or `console:<operator>`. */
  readonly actor: string;
  readonly detail: Record<string, unknown> | null;
}

export interface AttemptView {
  readonly attempt: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** e.g. COMPLETED, RETRY, DEAD_LETTERED, DUPLICATE. */
  readonly outcome: string;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
}

/** One group's record of one message (the consume barrier). */
export interface ConsumptionView {
  readonly group: string;
  /** IN_PROGRESS, FAILED, COMPLETED, DEAD_LETTERED. */
  readonly status: string;
  readonly attempts: number;
  readonly firstAt: string;
  readonly updatedAt: string;
  readonly completedAt: string | null;
  readonly lastErrorCode: string | null;
  readonly summary: string | null;
  readonly deadLetterId: string | null;
  readonly txId: string | null;
  readonly businessKey: string | null;
  readonly tag: string | null;
}

export interface ExpectedGroup {
  readonly group: string;
  readonly functions: readonly string[];
  readonly slaSeconds: number;
  /** Null: no record yet. */
  readonly consumption: (ConsumptionView & { readonly history: readonly AttemptView[] }) | null;
  /** Committed, not consumed, and past the group's SLA. */
  readonly overdue: boolean;
}

export interface DeadLetterSummary {
  readonly id: string;
  readonly group: string;
  readonly topic: string;
  readonly tag: string | null;
  readonly messageKey: string | null;
  readonly messageId: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
  readonly status: (typeof DEAD_LETTER_STATUS_NAMES)[number];
  readonly replayOf: string | null;
  readonly replayMessageId: string | null;
  readonly replayedAt: string | null;
  readonly deadLetteredAt: string;
}

export interface DeadLetterDetail extends DeadLetterSummary {
  readonly body: string;
  readonly properties: Record<string, string>;
  readonly errorKind: string;
  /** Every attempt before it was dead-lettered. */
  readonly history: readonly AttemptView[];
  /** The group's current consumption record of the message, if any. */
  readonly consumption: ConsumptionView | null;
  /** Whether a replay would publish it now, or why not (REPLAY_LOOP, ALREADY_REPLAYED, …). */
  readonly replayable: { readonly ok: boolean; readonly code?: string; readonly reason?: string };
}

export interface ConflictView {
  readonly group: string;
  readonly dedupKey: string;
  readonly messageId: string;
  readonly detectedAt: string;
}

export interface TransactionDetail {
  readonly transaction: TxSummary & {
    readonly messageId: string | null;
    readonly checkbackPath: string | null;
    readonly immunityEndsAt: string;
  };
  /** What the business system asked for (from the stored envelope). */
  readonly request: {
    readonly topic: string;
    readonly tag: string;
    readonly businessKey: string;
    readonly keys: readonly string[];
    readonly payload: unknown;
  };
  /** The stored message body (the envelope) as published, parsed; `raw` when it is not JSON. */
  readonly envelope: Record<string, unknown> | { readonly raw: string };
  readonly properties: Record<string, string>;
  readonly timeline: readonly TimelineEntry[];
  /** Every catalog group subscribed to this topic/tag, with its consumption or its absence. */
  readonly expectedGroups: readonly ExpectedGroup[];
  readonly deadLetters: readonly DeadLetterSummary[];
  /** Key-reuse conflicts the consumers detected on this message, and other transactions with the same business key. */
  readonly conflicts: { readonly consumers: readonly ConflictView[]; readonly sameBusinessKey: readonly TxSummary[] };
  /** What the caller's role may do now. */
  readonly actions: { readonly check: boolean; readonly decide: boolean };
}

export type TraceEventKind = 'tx' | 'consumption' | 'archive' | 'dead-letter';

/** One line of a business-key trace, time ordered (oldest first). */
export interface TraceEvent {
  readonly at: string;
  readonly kind: TraceEventKind;
  readonly txId: string | null;
  readonly group: string | null;
  /** tx: the timeline type; consumption: the barrier status; archive: ARCHIVED; dead-letter: its status. */
  readonly type: string;
  readonly text: string;
}

export interface Trace {
  readonly businessKey: string;
  readonly transactions: readonly (TxSummary & { readonly expectedGroups: readonly string[] })[];
  readonly consumptions: readonly ConsumptionView[];
  readonly archive: readonly {
    readonly group: string;
    readonly messageId: string;
    readonly topic: string;
    readonly tag: string | null;
    readonly eventId: string;
    readonly source: string;
    readonly publishedAt: string;
    readonly archivedAt: string;
  }[];
  readonly deadLetters: readonly DeadLetterSummary[];
  readonly events: readonly TraceEvent[];
  /** True when a list hit its bound ({@link MAX_PAGE_LIMIT} rows) and the trace is incomplete. */
  readonly truncated: boolean;
}

export interface SubscriberSummary {
  readonly group: string;
  readonly topic: string;
  readonly tagExpression: string;
  readonly description: string;
  readonly functions: readonly string[];
  readonly maxAttempts: number;
  readonly slaSeconds: number;
  /** Figures over the requested window. */
  readonly window: WindowQuery['window'];
  readonly consumed: number;
  readonly lastConsumedAt: string | null;
  /** Committed events of the last hour this group has not consumed, older than its SLA. */
  readonly backlog: number;
  readonly conflicts: number;
  readonly deadLetters: { readonly pending: number; readonly total: number };
}

export interface SubscriberDetail extends SubscriberSummary {
  /** Completed consumptions by attempts needed: keys "1", "2", … "10+". */
  readonly attemptsHistogram: Readonly<Record<string, number>>;
  /** The oldest overdue transactions (≤ 20). */
  readonly overdue: readonly TxSummary[];
  readonly recentDeadLetters: readonly DeadLetterSummary[];
  readonly recentConflicts: readonly ConflictView[];
}

export interface Overview {
  readonly generatedAt: string;
  readonly transactions: {
    readonly lastHour: Readonly<Record<TxStateName, number>>;
    readonly lastDay: Readonly<Record<TxStateName, number>>;
  };
  readonly stuck: { readonly count: number; readonly oldestAgeSeconds: number | null; readonly oldest: readonly TxSummary[] };
  /** Check-backs recorded on timelines in the last day, by answer (COMMIT, ROLLBACK, UNKNOWN), and decisions by reason. */
  readonly checks: {
    readonly lastHour: number;
    readonly lastDay: number;
    readonly answers: Readonly<Record<string, number>>;
    readonly decisionsByReason: Readonly<Record<string, number>>;
  };
  readonly deadLetters: {
    readonly pending: number;
    readonly byGroup: readonly { readonly group: string; readonly count: number; readonly oldestAt: string }[];
  };
  readonly backlog: readonly { readonly group: string; readonly topic: string; readonly slaSeconds: number; readonly count: number }[];
  readonly incidents: { readonly open: number; readonly recent: readonly IncidentView[] };
  readonly lastReconcile: (ReconcileRunSummary & { readonly ageSeconds: number }) | null;
}

export interface ReconcileRunSummary {
  readonly runId: string;
  readonly finishedAt: string;
  readonly clean: boolean;
  readonly truncated: boolean;
  readonly stuckPrepared: number;
  readonly missingConsumption: number;
  readonly deadLetters: number;
}

export interface ReconcileRunDetail extends ReconcileRunSummary {
  /** The stored report as the reconciler wrote it (shared/engines/reconcile/types.ts ReconcileReport). */
  readonly report: Record<string, unknown>;
}

export interface IncidentView {
  readonly incidentKey: string;
  readonly kind: string;
  readonly windowStartedAt: string;
  readonly lastSeenAt: string;
  readonly occurrences: number;
  readonly sentAt: string | null;
  readonly open: boolean;
}

export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly role: Role | null;
  readonly action: AuditAction;
  /** What it acted on: a txId, a replay filter summary, the login name. */
  readonly target: string;
  readonly result: AuditResult;
  readonly detail: Record<string, unknown> | null;
  readonly sourceIp: string | null;
}

/** The replay engine's own report (a type-only import: the browser bundle stays free of the engine). */
export type { ReplayReport, ReplayResultKind } from '../dlq/replayDeadLetters';

export interface CheckNowResult {
  /** The business system's answer (UNKNOWN when unreachable or undecided). */
  readonly answer: 'COMMIT' | 'ROLLBACK' | 'UNKNOWN';
  readonly detail: string;
  readonly transaction: TxSummary;
}

export interface DecisionResult {
  readonly transaction: TxSummary;
  /** `done`: the broker was told; `pending-checkback`: stored, the broker is told at its next check. */
  readonly delivery: Delivery;
}
