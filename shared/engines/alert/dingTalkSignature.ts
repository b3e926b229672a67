import { createHmac } from 'node:crypto';

/**
 * DingTalk custom-robot "加签" signing: `sign = base64(HMAC-SHA256(secret, timestamp + "\n" + secret))`,
 * sent URL-encoded as `timestamp` and `sign` query parameters; DingTalk refuses a timestamp more than
 * an hour off.
 */
export function signDingTalk(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/** The webhook URL with `timestamp` and `sign` appended. */
export function signedDingTalkUrl(webhookUrl: string, secret: string, timestampMs: number): string {
  const url = new URL(webhookUrl);
  url.searchParams.set('timestamp', String(timestampMs));
  url.searchParams.set('sign', signDingTalk(secret, timestampMs));
  return url.toString();
}
