import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type * as z from '../../shared/zod';
import { checkbackHandler, createCheckbackEndpoint, ensureBarrierTable, TxClient, TxClientError } from '../../shared/engines/client';
import { TxcError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import { createLogger } from '../../shared/logger';
import type { Database } from '../../shared/adapters/store/Database';
import { openDatabase } from '../../shared/adapters/store/openDatabase';
import { TRADING_MIGRATIONS } from './migrations';
import { discountPurchase, discountPurchaseRequestSchema, PURCHASE_OUTCOMES } from './DiscountPurchase';
import { TRADING_ERROR_STATUS } from './errors';
import { FAULT_HEADER, FaultSwitches, globalFaultsSchema, parseFaultHeader } from './faults';
import type { PurchaseFaults } from './faults';
import type { TradingTables } from './tables';
import { TradingStore } from './TradingStore';
import { walletPurchase, walletPurchaseRequestSchema } from './walletPurchase';

/** Path of the check-back endpoint registered as this system's `checkbackUrl` at the center. */
export const CHECKBACK_PATH = '/txc/checkback';
const MAX_BODY_BYTES = 64 * 1024;

export interface TradingSystemOptions {
  readonly port: number;
  readonly host?: string;
  /** `sqlite:<file>` or `mysql://…`: the trading system's own database. */
  readonly databaseUrl: string;
  /** tx-gateway's base URL; a function when it is known only after the trading system starts (ephemeral ports). */
  readonly gatewayUrl: string | (() => string);
  readonly systemId: string;
  readonly secret: string;
  /** Enables `x-demo-fault` and `/admin/faults` (demos and tests only). */
  readonly faultInjection?: boolean;
  readonly logger?: Logger;
}

export interface TradingSystem {
  readonly url: string;
  readonly checkbackUrl: string;
  readonly database: Database;
  readonly store: TradingStore;
  readonly faults: FaultSwitches;
  close(): Promise<void>;
}

/** Drops the commit call for transactions the fault switches marked (simulates a commit lost on the wire). */
class FaultInjectingTxClient extends TxClient {
  constructor(
    options: ConstructorParameters<typeof TxClient>[0],
    private readonly faults: FaultSwitches,
  ) {
    super(options);
  }

  override commit(txId: string) {
    if (this.faults.takeCommitDrop(txId))
      return Promise.reject(new TxClientError('GATEWAY_UNREACHABLE', 'commit dropped by fault injection', 0));
    return super.commit(txId);
  }
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

const json = (status: number, body: unknown): Reply => ({ status, body });
const errorReply = (status: number, code: string, message: string): Reply => json(status, { error: { code, message } });

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parse<S extends z.ZodMiniType>(schema: S, body: string): { ok: true; value: z.output<S> } | { ok: false; reply: Reply } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, reply: errorReply(400, 'VALIDATION_FAILED', 'body is not JSON') };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    return {
      ok: false,
      reply: errorReply(400, 'VALIDATION_FAILED', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')),
    };
  return { ok: true, value: parsed.data };
}

/**
 * Starts the example fund trading system (DESIGN.md §2.6): its own database, `POST /discount-purchase`,
 * the check-back endpoint, `POST /wallet-purchase` for the slave transaction, read endpoints for
 * purchases and wallets, and (when enabled) fault injection.
 */
export async function startTradingSystem(options: TradingSystemOptions): Promise<TradingSystem> {
  const logger = options.logger ?? createLogger('trading');
  const database = await openDatabase(options.databaseUrl, TRADING_MIGRATIONS);
  await ensureBarrierTable(database.db);
  const db = database.db as Kysely<TradingTables>;
  const store = new TradingStore(db);
  const faults = new FaultSwitches(options.faultInjection === true);
  let client: FaultInjectingTxClient | undefined;
  const clientOf = () => {
    const baseUrl = typeof options.gatewayUrl === 'function' ? options.gatewayUrl() : options.gatewayUrl;
    client ??= new FaultInjectingTxClient({ baseUrl, systemId: options.systemId, secret: options.secret }, faults);
    return client;
  };
  const checkback = createCheckbackEndpoint({ systemId: options.systemId, secret: options.secret, decide: checkbackHandler(database.db) });
  const newPurchaseId = () => `DP${Date.now().toString(36).toUpperCase()}${randomBytes(5).toString('hex').toUpperCase()}`;

  async function route(request: IncomingMessage, response: ServerResponse): Promise<Reply | undefined> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const body = await readBody(request);
    if (body === undefined) return errorReply(413, 'PAYLOAD_TOO_LARGE', `body exceeds ${MAX_BODY_BYTES} bytes`);
    const key = `${method} ${url.pathname}`;
    if (key === 'POST /discount-purchase') {
      const input = parse(discountPurchaseRequestSchema, body);
      if (!input.ok) return input.reply;
      const faultHeader = request.headers[FAULT_HEADER];
      let perPurchase: PurchaseFaults = {};
      if (typeof faultHeader === 'string' && faults.enabled) {
        const parsedFaults = parseFaultHeader(faultHeader);
        if ('error' in parsedFaults) return errorReply(400, 'VALIDATION_FAILED', parsedFaults.error);
        perPurchase = parsedFaults;
      }
      const result = await discountPurchase({ db, store, client: clientOf(), faults, logger, newPurchaseId }, input.value, perPurchase);
      if (result.outcome === PURCHASE_OUTCOMES.crashed) {
        // The simulated crash: the caller gets no answer at all.
        response.destroy();
        return undefined;
      }
      return json(
        result.outcome === PURCHASE_OUTCOMES.rolledBack ? 422 : result.outcome === PURCHASE_OUTCOMES.committed ? 201 : 202,
        result,
      );
    }
    if (key === 'POST /wallet-purchase') {
      const input = parse(walletPurchaseRequestSchema, body);
      if (!input.ok) return input.reply;
      const applied = await walletPurchase(store, faults, input.value);
      return json(applied.applied ? 201 : 200, applied);
    }
    if (key === `POST ${CHECKBACK_PATH}`) {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(',') : value;
      const answer = await checkback({ method, path: url.pathname, headers, body });
      return { status: answer.status, body: JSON.parse(answer.body) };
    }
    const purchaseMatch = /^\/purchases\/([A-Za-z0-9]{1,64})$/.exec(url.pathname);
    if (method === 'GET' && purchaseMatch) {
      const purchase = await store.purchase(purchaseMatch[1]!);
      return purchase ? json(200, purchase) : errorReply(404, 'NOT_FOUND', 'no such purchase');
    }
    const walletMatch = /^\/wallets\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname);
    if (method === 'GET' && walletMatch) {
      const wallet = await store.wallet(walletMatch[1]!);
      return wallet ? json(200, wallet) : errorReply(404, 'NOT_FOUND', 'no such wallet');
    }
    if (key === 'GET /health') return json(200, { ok: true });
    // Without fault injection these routes do not exist (404 like any unknown path).
    if (faults.enabled && url.pathname.startsWith('/admin/faults')) {
      if (key === 'GET /admin/faults') return json(200, faults.globals);
      if (key === 'PUT /admin/faults') {
        const input = parse(globalFaultsSchema, body || '{}');
        if (!input.ok) return input.reply;
        faults.setGlobals(input.value);
        return json(200, faults.globals);
      }
      if (key === 'POST /admin/faults/clear-slave') {
        const purchaseId = url.searchParams.get('purchaseId') ?? undefined;
        faults.clearSlaveFaults(purchaseId);
        return json(200, { cleared: purchaseId ?? 'all' });
      }
    }
    return errorReply(404, 'NOT_FOUND', `no route ${key}`);
  }

  const server = createServer((request, response) => {
    route(request, response).then(
      (reply) => {
        if (!reply) return;
        response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(reply.body));
      },
      (error: unknown) => {
        const code = error instanceof TxcError ? error.code : 'INTERNAL_ERROR';
        const status = TRADING_ERROR_STATUS[code] ?? 500;
        if (status === 500) logger.error({ err: error, url: request.url }, 'trading request failed');
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        // `refused: true` marks a final business refusal (the caller records it), unlike other 4xx answers.
        const refused = error instanceof TxcError && error.details?.refused === true ? { refused: true } : {};
        response.end(
          JSON.stringify({ error: { code, message: status === 500 ? 'internal error' : (error as Error).message, ...refused } }),
        );
      },
    );
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  logger.info({ url }, 'trading system listening');
  return {
    url,
    checkbackUrl: `${url}${CHECKBACK_PATH}`,
    database,
    store,
    faults,
    async close() {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}
