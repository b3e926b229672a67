/**
 * @module console/ui/apiClient — the browser's client of tx-console's JSON API ({@link ../api}).
 * Same-origin fetch with the session cookie; state-changing calls carry the CSRF header. Every
 * non-2xx answer becomes an {@link ApiError} with the server's typed code, so pages can say why.
 */
import type {
  AuditEntry,
  AuditSearch,
  CheckNowResult,
  DeadLetterDetail,
  DeadLetterSummary,
  DecisionBody,
  DecisionResult,
  IncidentView,
  Overview,
  Page,
  ReconcileRunDetail,
  ReconcileRunSummary,
  ReplayBody,
  ReplayReport,
  SessionInfo,
  SubscriberDetail,
  SubscriberSummary,
  Trace,
  TransactionDetail,
  TxSummary,
} from '../api';
import { API_ROUTES } from '../contract';
import { ApiError } from './errors';

/** Query parameters as the UI holds them (route query strings): absent or empty values are left out. */
export type Query = Readonly<Record<string, string | undefined>>;

/** A replay request as the UI builds it; the server validates it ({@link ReplayBody}). */
export type ReplayRequest = Omit<ReplayBody, 'filter'> & {
  readonly filter: {
    readonly ids?: readonly string[];
    readonly group?: string;
    readonly tag?: string;
    readonly from?: string;
    readonly to?: string;
  };
};

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; credentials: 'same-origin' },
) => Promise<{ status: number; ok: boolean; text(): Promise<string> }>;

export class ConsoleApi {
  private csrfToken = '';

  constructor(private readonly fetchFn: FetchLike) {}

  /** Remembers the session's CSRF token (from login or `GET /api/session`) for later POST/DELETE. */
  useSession(session: SessionInfo | null): void {
    this.csrfToken = session?.csrfToken ?? '';
  }

  session(): Promise<SessionInfo> {
    return this.call('GET', API_ROUTES.session);
  }
  async login(name: string, password: string): Promise<SessionInfo> {
    const session = await this.call<SessionInfo>('POST', API_ROUTES.session, { name, password });
    this.useSession(session);
    return session;
  }
  async logout(): Promise<void> {
    await this.call('DELETE', API_ROUTES.session);
    this.useSession(null);
  }
  overview(): Promise<Overview> {
    return this.call('GET', API_ROUTES.overview);
  }
  transactions(query: Query): Promise<Page<TxSummary>> {
    return this.call('GET', withQuery(API_ROUTES.transactions, query));
  }
  transaction(txId: string): Promise<TransactionDetail> {
    return this.call('GET', API_ROUTES.transaction(txId));
  }
  checkNow(txId: string): Promise<CheckNowResult> {
    return this.call('POST', API_ROUTES.transactionCheck(txId), {});
  }
  decide(txId: string, body: DecisionBody): Promise<DecisionResult> {
    return this.call('POST', API_ROUTES.transactionDecision(txId), body);
  }
  trace(businessKey: string): Promise<Trace> {
    return this.call('GET', API_ROUTES.trace(businessKey));
  }
  subscribers(query: Query): Promise<{ items: readonly SubscriberSummary[] }> {
    return this.call('GET', withQuery(API_ROUTES.subscribers, query));
  }
  subscriber(group: string, query: Query): Promise<SubscriberDetail> {
    return this.call('GET', withQuery(API_ROUTES.subscriber(group), query));
  }
  deadLetters(query: Query): Promise<Page<DeadLetterSummary>> {
    return this.call('GET', withQuery(API_ROUTES.deadLetters, query));
  }
  deadLetter(id: string): Promise<DeadLetterDetail> {
    return this.call('GET', API_ROUTES.deadLetter(id));
  }
  replay(request: ReplayRequest): Promise<ReplayReport> {
    return this.call('POST', API_ROUTES.deadLetterReplay, request);
  }
  reconcileRuns(query: Query): Promise<Page<ReconcileRunSummary>> {
    return this.call('GET', withQuery(API_ROUTES.reconcileRuns, query));
  }
  reconcileRun(runId: string): Promise<ReconcileRunDetail> {
    return this.call('GET', API_ROUTES.reconcileRun(runId));
  }
  incidents(query: Query): Promise<Page<IncidentView>> {
    return this.call('GET', withQuery(API_ROUTES.incidents, query));
  }
  incident(incidentKey: string): Promise<IncidentView> {
    return this.call('GET', API_ROUTES.incident(incidentKey));
  }
  audit(query: Query & Partial<Record<keyof AuditSearch, string>>): Promise<Page<AuditEntry>> {
    return this.call('GET', withQuery(API_ROUTES.audit, query));
  }

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let response: Awaited<ReturnType<FetchLike>>;
    let text: string;
    try {
      response = await this.fetchFn(path, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      text = await response.text();
    } catch (cause) {
      throw new ApiError(0, 'NETWORK_FAILED', 'the console did not answer', { cause });
    }
    const parsed = parseJson(text);
    if (response.ok) {
      if (parsed === undefined) throw new ApiError(response.status, 'BAD_RESPONSE', `answer to ${method} ${path} is not JSON`);
      return parsed as T;
    }
    const error = isErrorBody(parsed) ? parsed.error : undefined;
    if (!error) throw new ApiError(response.status, 'BAD_RESPONSE', `HTTP ${response.status} without an error body`);
    throw new ApiError(response.status, error.code as ApiError['code'], error.message, { details: error.details });
  }
}

/** `path?k=v…` with the non-empty values of `query`, in a stable order. */
export function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, value);
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isErrorBody(value: unknown): value is { error: { code: string; message: string; details?: Record<string, unknown> } } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}
