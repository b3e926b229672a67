import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../../shared/engines/alert/AlertSink';
import { signDingTalk, signedDingTalkUrl } from '../../../../shared/engines/alert/dingTalkSignature';
import { dingTalkPayload } from '../../../../shared/engines/alert/WebhookAlertSink';

const alert: Alert = {
  kind: 'dead-letter',
  severity: 'critical',
  title: 'Dead letter in GID_TXC_CS',
  text: 'A message could not be processed.',
  incidentKey: 'dead-letter:GID_TXC_CS',
  details: { group: 'GID_TXC_CS', attempts: 3, error: { code: 'X' } },
};

describe('DingTalk robot format', () => {
  it('renders the markdown message: severity mark, title, text, details, kind and incident', () => {
    expect(dingTalkPayload(alert)).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: 'Dead letter in GID_TXC_CS',
        text: [
          '### 🚨 Dead letter in GID_TXC_CS',
          '',
          'A message could not be processed.',
          '',
          '- **group**: GID_TXC_CS',
          '- **attempts**: 3',
          '- **error**: {"code":"X"}',
          '',
          '> dead-letter · dead-letter:GID_TXC_CS',
        ].join('\n'),
      },
    });
  });

  it('leaves the details block out when there are none', () => {
    const { markdown } = dingTalkPayload({ ...alert, severity: 'info', details: undefined }) as { markdown: { text: string } };
    expect(markdown.text).toBe(
      '### ℹ️ Dead letter in GID_TXC_CS\n\nA message could not be processed.\n\n> dead-letter · dead-letter:GID_TXC_CS',
    );
  });

  it('signs as DingTalk documents: base64 HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret', () => {
    const secret = 'SECtest';
    const timestamp = 1_700_000_000_000;
    const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
    expect(signDingTalk(secret, timestamp)).toBe(expected);
    expect(signDingTalk(secret, timestamp + 1)).not.toBe(expected);
    expect(signDingTalk('SECother', timestamp)).not.toBe(expected);
  });

  it('appends timestamp and the URL-encoded sign, keeping the access token', () => {
    const signed = signedDingTalkUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', 'SECtest', 1_700_000_000_000);
    const url = new URL(signed);
    expect(url.searchParams.get('access_token')).toBe('abc');
    expect(url.searchParams.get('timestamp')).toBe('1700000000000');
    expect(url.searchParams.get('sign')).toBe(signDingTalk('SECtest', 1_700_000_000_000));
    expect(signed).not.toMatch(/sign=[^&]*[+/=]/); // base64's + / = are percent-encoded
  });
});
