import { describe, expect, it } from 'vitest';
import { canonicalizedMqHeaders, contentMd5, signature, stringToSign, verifyRequest } from '../../../../local/broker/codec/signature';
import { MqAuthError } from '../../../../local/broker/errors';

// The vectors of mq-http-protocol.md §2.4.
const DATE = 'Wed, 01 Jan 2025 00:00:00 GMT';
const NOW = Date.parse(DATE);
const base = { date: DATE, 'x-mq-version': '2015-06-06', 'content-type': 'text/xml;charset=utf-8', 'user-agent': 'mq-nodejs-sdk/1.0.4' };
const secrets = (id: string) => (id === 'TESTAKID' ? 'TESTSECRET' : undefined);

describe('signature', () => {
  it('vector 1: the SDK unit test', () => {
    const text = stringToSign({
      method: 'PUT',
      contentMd5: '574683b3684e3cff610afa155cc2506d',
      contentType: 'text/xml',
      date: 'Tue, 11 Apr 2017 10:09:19 GMT',
      canonicalizedHeaders: 'x-mq-version:2015-06-06\n',
      resource: '/',
    });
    expect(signature('ACCESS_KEY_SECRET', text)).toBe('G7NRBqmP9XfhTJ/pV3AgYQtXaaU=');
  });

  it('vector 2: publish, with the hex-based Content-MD5', () => {
    const body = Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><Message xmlns="http://mq.aliyuncs.com/doc/v1/"><MessageBody><![CDATA[hello]]></MessageBody><MessageTag><![CDATA[TagA]]></MessageTag></Message>',
    );
    expect(body.length).toBe(181);
    expect(contentMd5(body)).toBe('ZmYzMzQzY2JiM2Y0YTI2NWQ4NWNiMzIwZjBkODExZDM=');
    const headers = {
      ...base,
      'content-length': '181',
      'content-md5': contentMd5(body),
      authorization: 'MQ TESTAKID:nz4uVI7bJHDO5CjNaDL0P5etjn8=',
    };
    expect(verifyRequest({ method: 'POST', target: '/topics/TopicA/messages?ns=MQ_INST_123_abc', headers, body }, secrets, NOW)).toBe(
      'TESTAKID',
    );
  });

  it.each([
    [
      'vector 3: consume',
      'GET',
      '/topics/TopicA/messages?consumer=GID_test&ns=MQ_INST_123_abc&numOfMessages=16&waitseconds=30',
      '',
      'fvCXsP5Vr8wQnK88SsZxulaRCLw=',
    ],
    [
      'vector 4: ack with a DELETE body',
      'DELETE',
      '/topics/TopicA/messages?consumer=GID_test&ns=MQ_INST_123_abc',
      '<?xml version="1.0" encoding="UTF-8"?><ReceiptHandles xmlns="http://mq.aliyuncs.com/doc/v1/"><ReceiptHandle><![CDATA[H1]]></ReceiptHandle></ReceiptHandles>',
      'KBLXkHpibNq3E8wu+rNZedhjEWw=',
    ],
    [
      'vector 5: the encoded tag filter is signed',
      'GET',
      '/topics/TopicA/messages?consumer=GID_test&ns=MQ_INST_123_abc&tag=TagA%7C%7CTagB&numOfMessages=16&waitseconds=30',
      '',
      'sKTQZ2rBr9cDK6Vq7NFKld+zLLs=',
    ],
  ])('%s', (_name, method, target, text, expected) => {
    const body = Buffer.from(text);
    const headers: Record<string, string> = { ...base, authorization: `MQ TESTAKID:${expected}` };
    if (text !== '') headers['content-md5'] = contentMd5(body);
    if (method === 'DELETE') expect(headers['content-md5']).toBe('M2MzNWY5ZGY3MTI2OTdhM2JiNzJhMWZmZDA4MzFhZWY=');
    expect(verifyRequest({ method, target, headers, body }, secrets, NOW)).toBe('TESTAKID');
    // One changed byte in the resource breaks it.
    expect(() => verifyRequest({ method, target: target.replace('TopicA', 'TopicB'), headers, body }, secrets, NOW)).toThrow(
      expect.objectContaining({ code: 'SignatureDoesNotMatch', status: 403 }),
    );
  });

  it('sorts and lowercases x-mq- headers', () => {
    expect(canonicalizedMqHeaders({ 'x-mq-b': '2', 'X-MQ-A': '1', other: 'x' })).toBe('x-mq-a:1\nx-mq-b:2\n');
  });

  it('checks in the documented order and names the failure', () => {
    const target = '/topics/TopicA/messages?consumer=GID_test&ns=MQ_INST_123_abc&numOfMessages=16&waitseconds=30';
    const good = { ...base, authorization: 'MQ TESTAKID:fvCXsP5Vr8wQnK88SsZxulaRCLw=' };
    const codeOf = (headers: Record<string, string | undefined>, now = NOW) => {
      try {
        verifyRequest({ method: 'GET', target, headers, body: Buffer.alloc(0) }, secrets, now);
        return 'ok';
      } catch (error) {
        expect(error).toBeInstanceOf(MqAuthError);
        return (error as MqAuthError).code;
      }
    };
    expect(codeOf(good)).toBe('ok');
    expect(codeOf({ ...good, authorization: undefined })).toBe('MissingAuthorizationHeader');
    expect(codeOf({ ...good, authorization: 'MQ nocolon' })).toBe('InvalidAuthorizationHeader');
    expect(codeOf({ ...good, authorization: 'MQ OTHER:fvCXsP5Vr8wQnK88SsZxulaRCLw=' })).toBe('InvalidAccessKeyId');
    expect(codeOf({ ...good, date: undefined })).toBe('MissingDateHeader');
    expect(codeOf({ ...good, date: 'not a date' })).toBe('InvalidDateHeader');
    expect(codeOf(good, NOW + 15 * 60_000 + 1)).toBe('TimeExpired');
    expect(codeOf(good, NOW - 15 * 60_000)).toBe('ok');
    expect(codeOf({ ...good, authorization: 'MQ TESTAKID:AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })).toBe('SignatureDoesNotMatch');
  });

  it('accepts the endpoint-with-trailing-slash form (signed without the extra slash)', () => {
    const headers = { ...base, authorization: 'MQ TESTAKID:fvCXsP5Vr8wQnK88SsZxulaRCLw=' };
    const target = '//topics/TopicA/messages?consumer=GID_test&ns=MQ_INST_123_abc&numOfMessages=16&waitseconds=30';
    expect(verifyRequest({ method: 'GET', target, headers, body: Buffer.alloc(0) }, secrets, NOW)).toBe('TESTAKID');
  });
});
