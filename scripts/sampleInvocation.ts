import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Catalog, FunctionDef } from '../shared/engines/catalog';
import { functionProcessEnv } from './config';
import { signRequest } from '../shared/engines/auth';
import { API_ROUTES } from '../shared/engines/console/api';
import { hashToken } from '../shared/engines/console/operators';
import { encodeEnvelope, ENVELOPE_VERSION } from '../shared/engines/events/envelope';
import { fc3HttpEvent, fcContext, rocketmqCloudEvents, timerEvent } from '../shared/adapters/fc/sampleEvents';

const run = promisify(execFile);
/** Marks the child's result line; handlers may log JSON lines to stdout too. */
const RESULT_MARKER = 'TXC_INVOKE_RESULT ';
/** A first invocation that has not answered by then hangs (an unreachable dependency without a timeout). */
export const INVOKE_TIMEOUT_MS = 30_000;

export type TriggerKind = 'http' | 'timer' | 'mq';

/** The business system a sample HTTP request is signed as (it must be in the function's TXC_SYSTEMS). */
export interface SampleSigner {
  readonly systemId: string;
  readonly secret: string;
}

/**
 * A sample event of a function's first trigger, in the shape FC delivers it. An HTTP sample is a
 * status query for an unknown transaction: signed by `signer`, it passes authentication and reads
 * the store (a 404), as a business system's first call would; unsigned, it is refused with a 401.
 */
export function sampleEvent(catalog: Catalog, fn: FunctionDef, signer?: SampleSigner): { kind: TriggerKind; event: unknown } {
  const trigger = fn.triggers[0]!;
  if (trigger.type === 'http' && fn.name === 'tx-console') {
    // An operator's first look: the console's detail of an unknown transaction (authenticated, reads the store, 404).
    const headers: Record<string, string> = signer ? { authorization: `Bearer ${SAMPLE_CONSOLE_TOKEN}` } : {};
    return { kind: 'http', event: fc3HttpEvent({ method: 'GET', path: API_ROUTES.transaction('txc-sample-0001'), body: '', headers }) };
  }
  if (trigger.type === 'http') return { kind: 'http', event: httpEvent('GET', '/v1/transactions/txc-sample-0001', '', signer) };
  if (trigger.type === 'timer') return { kind: 'timer', event: timerEvent({ triggerName: trigger.name, payload: trigger.payload }) };
  const group = catalog.group(trigger.group)!;
  const topic = catalog.topic(group.topic)!;
  const tag = topic.tags.find((candidate) => group.filter.all || group.filter.tags.has(candidate.name))!.name;
  const body = encodeEnvelope({
    v: ENVELOPE_VERSION,
    eventId: 'txc-sample-0001',
    source: 'fund-trading',
    businessKey: 'order-sample-0001',
    topic: topic.name,
    tag,
    occurredAt: '2023-12-26T07:49:00.000Z',
    payload: {},
  });
  return { kind: 'mq', event: rocketmqCloudEvents([{ topic: topic.name, tag, body, keys: 'txc-sample-0001' }]) };
}

/** The API token of the sample console operator (a viewer) of {@link SAMPLE_CONSOLE_ENV}. */
const SAMPLE_CONSOLE_TOKEN = 'sample-console-viewer-token-0123456789';

/** tx-console's settings for sample invocations: one viewer with an API token, a session key. */
export const SAMPLE_CONSOLE_ENV: Readonly<Record<string, string>> = {
  TXC_OPERATORS: JSON.stringify([{ name: 'sample-viewer', role: 'viewer', tokenHash: hashToken(SAMPLE_CONSOLE_TOKEN) }]),
  TXC_CONSOLE_SESSION_SECRET: 'sample-console-session-secret-0123456789',
};

/**
 * A business system's first real call to tx-gateway: a signed prepare of the catalog's first
 * transactional scenario (stores the transaction, publishes the half message). `businessKey` must be
 * new for each invocation, or the gateway answers the stored transaction instead.
 */
export function samplePrepareEvent(catalog: Catalog, signer: SampleSigner, businessKey: string): unknown {
  const topic = catalog.topics.find((candidate) => candidate.messageType === 'transactional')!;
  const body = JSON.stringify({
    topic: topic.name,
    tag: topic.tags[0]!.name,
    businessKey,
    payload: { orderId: businessKey, amount: '100.00' },
  });
  return httpEvent('POST', '/v1/transactions', body, signer);
}

/** An FC 3.0 HTTP event, signed as `signer` when given. */
function httpEvent(method: string, path: string, body: string, signer: SampleSigner | undefined): unknown {
  const signature = signer ? signRequest(signer.systemId, signer.secret, { method, path, timestamp: Date.now(), body }) : {};
  return fc3HttpEvent({ method, path, body, headers: { ...signature, ...(body === '' ? {} : { 'content-type': 'application/json' }) } });
}

/** What a first invocation in a fresh process did. */
export type InvokeOutcome =
  | { ok: true; result: unknown; loadMs: number; totalMs: number }
  | { ok: false; error: { name: string; code?: string; message: string }; loadMs: number; totalMs: number };

/** Runs in the child: `require` the bundle, invoke `handler(Buffer, context)` once, print the outcome. */
const CHILD = `
const { performance } = require('node:perf_hooks');
const [bundle, event, context] = process.argv.slice(1);
const started = performance.now();
const { handler } = require(bundle);
const loaded = performance.now();
const report = (outcome) => { process.stdout.write('\\n${RESULT_MARKER}' + JSON.stringify({ ...outcome, loadMs: loaded - started, totalMs: performance.now() - started }) + '\\n'); process.exit(0); };
Promise.resolve()
  .then(() => handler(Buffer.from(event), JSON.parse(context)))
  .then((result) => report({ ok: true, result: result === undefined ? null : result }),
        (error) => report({ ok: false, error: { name: String(error && error.name), code: error && error.code, message: String(error && error.message) } }));
`;

/**
 * Loads `bundle` in a new `node` process and answers one event, as FC does on a cold start.
 * Times are measured inside the child, from before `require` to the handler's answer.
 */
export async function invokeInFreshProcess(
  bundle: string,
  event: unknown,
  functionName: string,
  env: Record<string, string>,
  timeoutMs = INVOKE_TIMEOUT_MS,
): Promise<InvokeOutcome> {
  const context = fcContext({ name: functionName, timeout: 60 });
  const { stdout, stderr } = await run(process.execPath, ['-e', CHILD, bundle, JSON.stringify(event), JSON.stringify(context)], {
    // A clean environment: no tsx loader, no developer variables.
    env: functionProcessEnv(env),
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_MARKER));
  if (!line) throw new Error(`${functionName}: no result from the fresh process; stderr: ${stderr.slice(-2_000)}`);
  return JSON.parse(line.slice(RESULT_MARKER.length)) as InvokeOutcome;
}
