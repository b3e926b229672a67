import * as z from '../../zod';
import type { BusinessSystem } from '../auth';
import { readBoundedText } from '../client/readBoundedText';
import { signRequest } from '../auth';

/** What a business system's check-back endpoint may answer. */
export const CHECK_ANSWERS = ['COMMIT', 'ROLLBACK', 'UNKNOWN'] as const;
export type CheckAnswer = (typeof CHECK_ANSWERS)[number];

/** The body tx-checkback POSTs to a business system (signed like gateway requests). */
export const checkbackRequestSchema = z.object({
  txId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  businessKey: z.string().check(z.maxLength(128)),
  topic: z.string().check(z.maxLength(64)),
  tag: z.string().check(z.maxLength(64)),
  /** 1 for the first check. */
  check: z.int().check(z.minimum(1)),
});
export type CheckbackRequestBody = z.output<typeof checkbackRequestSchema>;

export const checkbackResponseSchema = z.object({ decision: z.enum(CHECK_ANSWERS) });

/** The answer is `{"decision":"COMMIT"}`; a larger one is not read (the system is asked again later). */
export const CHECKBACK_MAX_ANSWER_BYTES = 16 * 1024;

/** The answer plus why, for the timeline (an unreachable system is UNKNOWN, never a guess). */
export interface CheckResult {
  readonly answer: CheckAnswer;
  readonly detail: string;
}

/**
 * Asks a business system about a transaction: POST `checkbackUrl` (or `path` on its origin), signed
 * with the system's secret, aborted after `timeoutMs`. Any failure yields UNKNOWN with the reason.
 */
export async function askBusinessSystem(
  system: BusinessSystem,
  request: CheckbackRequestBody,
  options: { path?: string; timeoutMs: number; now: () => number; fetch?: typeof fetch },
): Promise<CheckResult> {
  const url = new URL(options.path ?? system.checkbackUrl, system.checkbackUrl);
  const body = JSON.stringify(request);
  const headers = signRequest(system.id, system.secret, { method: 'POST', path: url.pathname, timestamp: options.now(), body });
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    return { answer: 'UNKNOWN', detail: `unreachable: ${(error as Error).name}` };
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    return { answer: 'UNKNOWN', detail: `answered HTTP ${response.status}` };
  }
  let text: string;
  try {
    text = await readBoundedText(response, url.toString(), CHECKBACK_MAX_ANSWER_BYTES);
  } catch (error) {
    return { answer: 'UNKNOWN', detail: `answer unreadable: ${(error as Error).name}` };
  }
  let parsed;
  try {
    parsed = checkbackResponseSchema.safeParse(JSON.parse(text));
  } catch {
    return { answer: 'UNKNOWN', detail: 'answer is not JSON' };
  }
  if (!parsed.success) return { answer: 'UNKNOWN', detail: 'answer is not {decision: COMMIT|ROLLBACK|UNKNOWN}' };
  return { answer: parsed.data.decision, detail: 'answered' };
}
