import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentMd5 } from '../../../../local/broker/codec/signature';
import { startTestBroker } from '../fixtures';
import { MQClient } from '../sdk';

// Raw HTTP edge cases the SDK cannot produce. Headers are built and signed by the real SDK
// (`buildHeaders`/`sign`), then altered where a test needs a specific fault.
let url: string;
let stop: () => Promise<void>;
let sdkClient: {
  buildHeaders(method: string, body: Buffer | string, resource: string): Record<string, string | number>;
  sign(method: string, headers: Record<string, unknown>, resource: string): string;
};

beforeAll(async () => {
  const started = await startTestBroker({ invisibilitySeconds: 5 });
  url = started.broker.url;
  stop = started.stop;
  sdkClient = new MQClient(url, 'txcenter-dev', 'txcenter-dev-secret') as unknown as typeof sdkClient;
});
afterAll(() => stop());

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(method: string, target: string, headers: Record<string, string | number>, body: Buffer | string = ''): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${target}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A correctly signed request, as the SDK would send it. */
function signed(method: string, resource: string, body = ''): Promise<RawResponse> {
  return send(method, resource, sdkClient.buildHeaders(method, body, resource), body);
}

function errorOf(response: RawResponse): { code: string; message: string; requestId: string; hostId: string } {
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(response.body)?.[1] ?? '';
  expect(response.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Error xmlns="http:\/\/mq.aliyuncs.com\/doc\/v1">/);
  expect(response.headers['content-type']).toBe('text/xml;charset=utf-8');
  return { code: field('Code'), message: field('Message'), requestId: field('RequestId'), hostId: field('HostId') };
}

const publishXml = (inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Message xmlns="http://mq.aliyuncs.com/doc/v1/">${inner}</Message>`;

describe('authentication', () => {
  it('refuses a missing or malformed Authorization header', async () => {
    const headers = sdkClient.buildHeaders('GET', '', '/topics/T/messages?consumer=G&numOfMessages=1');
    const { authorization: _, ...unsigned } = headers;
    const missing = await send('GET', '/topics/T/messages?consumer=G&numOfMessages=1', unsigned);
    expect(missing.status).toBe(400);
    const error = errorOf(missing);
    expect(error.code).toBe('MissingAuthorizationHeader');
    expect(error.requestId).toMatch(/^[0-9A-F]{24}$/);
    expect(missing.headers['x-mq-request-id']).toBe(error.requestId);
    expect(error.hostId).toBe(url);
    const malformed = await send('GET', '/topics/T/messages?consumer=G&numOfMessages=1', { ...headers, authorization: 'Bearer abc' });
    expect(errorOf(malformed).code).toBe('InvalidAuthorizationHeader');
  });

  it('checks the Date header: missing, unparseable, more than 15 minutes off', async () => {
    const resource = '/topics/T/messages?consumer=G&numOfMessages=1';
    const headers = sdkClient.buildHeaders('GET', '', resource);
    const { date: _, ...noDate } = headers;
    expect(errorOf(await send('GET', resource, noDate)).code).toBe('MissingDateHeader');
    expect(errorOf(await send('GET', resource, { ...headers, date: 'yesterday' })).code).toBe('InvalidDateHeader');
    const old: Record<string, string | number> = { ...headers, date: new Date(Date.now() - 20 * 60_000).toUTCString() };
    old.authorization = `MQ txcenter-dev:${sdkClient.sign('GET', old, resource)}`;
    const expired = await send('GET', resource, old);
    expect(expired.status).toBe(408);
    expect(errorOf(expired).code).toBe('TimeExpired');
  });

  it('refuses a body that does not match its (signed) Content-MD5', async () => {
    const resource = '/topics/T/messages';
    const body = publishXml('<MessageBody><![CDATA[x]]></MessageBody>');
    const headers = sdkClient.buildHeaders('POST', body, resource);
    const tampered = body.replace('x]]', 'y]]');
    const response = await send('POST', resource, headers, tampered);
    expect(errorOf(response).code).toBe('InvalidDigest');
  });

  it('refuses a tampered resource as SignatureDoesNotMatch', async () => {
    const headers = sdkClient.buildHeaders('GET', '', '/topics/T/messages?consumer=G&numOfMessages=1');
    const response = await send('GET', '/topics/T/messages?consumer=OTHER&numOfMessages=1', headers);
    expect(response.status).toBe(403);
    expect(errorOf(response).code).toBe('SignatureDoesNotMatch');
  });

  it('accepts the Go SDK habit of a Content-MD5 on GET (for the empty body)', async () => {
    const resource = '/topics/T/messages?consumer=G&numOfMessages=1';
    const headers: Record<string, string | number> = { ...sdkClient.buildHeaders('GET', '', resource), 'content-md5': contentMd5('') };
    headers.authorization = `MQ txcenter-dev:${sdkClient.sign('GET', headers, resource)}`;
    expect(errorOf(await send('GET', resource, headers)).code).toBe('MessageNotExist');
  });
});

describe('URLs and query strings', () => {
  it('refuses unknown paths, methods, parameters and repeated parameters', async () => {
    expect(errorOf(await signed('GET', '/queues/T/messages?consumer=G&numOfMessages=1')).code).toBe('InvalidRequestURL');
    expect(errorOf(await signed('PUT', '/topics/T/messages', 'x')).code).toBe('InvalidRequestURL');
    expect(errorOf(await signed('GET', '/topics/T/messages?consumer=G&numOfMessages=1&peek=true')).code).toBe('InvalidQueryString');
    expect(errorOf(await signed('GET', '/topics/T/messages?consumer=G&consumer=H&numOfMessages=1')).code).toBe('InvalidQueryString');
    expect(errorOf(await signed('GET', '/topics/T/messages?consumer=G&numOfMessages=1&trans=commit')).code).toBe('InvalidArgument');
    expect(errorOf(await signed('GET', '/topics/T/messages?numOfMessages=1')).code).toBe('InvalidArgument');
    expect(errorOf(await signed('GET', '/topics/T%ZZ/messages?consumer=G&numOfMessages=1')).code).toBe('InvalidQueryString');
    expect(errorOf(await signed('GET', `/topics/${'T'.repeat(65)}/messages?consumer=G&numOfMessages=1`)).code).toBe('InvalidArgument');
  });

  it('does not depend on parameter order (Java order: numOfMessages first)', async () => {
    const response = await signed('GET', '/topics/ORDERLESS/messages?numOfMessages=1&consumer=G&waitseconds=0');
    expect(errorOf(response).code).toBe('MessageNotExist');
  });
});

describe('XML input', () => {
  const hostile: [string, string, string][] = [
    ['unclosed root', '<Message><MessageBody>x</MessageBody>', 'MalformedXML'],
    ['trailing garbage', `${publishXml('<MessageBody>x</MessageBody>')}junk`, 'MalformedXML'],
    ['empty document', '', 'MalformedXML'],
    ['not XML at all', '\u0000\u0001binary', 'MalformedXML'],
    [
      'entity declarations',
      '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><Message><MessageBody>&b;</MessageBody></Message>',
      'MalformedXML',
    ],
    ['wrong root', '<Messages><MessageBody>x</MessageBody></Messages>', 'MalformedXML'],
    ['stray ]]> after CDATA', publishXml('<MessageBody><![CDATA[a]]>b]]></MessageBody>'), 'MalformedXML'],
    ['missing body', publishXml('<MessageTag>A</MessageTag>'), 'InvalidArgument'],
    ['nested elements in the body', publishXml('<MessageBody><x>1</x></MessageBody>'), 'InvalidArgument'],
    ['two bodies', publishXml('<MessageBody>a</MessageBody><MessageBody>b</MessageBody>'), 'InvalidArgument'],
    ['unknown element', publishXml('<MessageBody>a</MessageBody><Priority>9</Priority>'), 'InvalidArgument'],
    ['a reference to a control character', publishXml('<MessageBody>a&#1;b</MessageBody>'), 'MalformedXML'],
    ['a raw control character', publishXml('<MessageBody><![CDATA[a\u0002b]]></MessageBody>'), 'InvalidArgument'],
    [
      'a non-numeric start time',
      publishXml('<MessageBody>a</MessageBody><Properties>__STARTDELIVERTIME:soon</Properties>'),
      'InvalidArgument',
    ],
    ['a tag with a bar', publishXml('<MessageBody>a</MessageBody><MessageTag>A|B</MessageTag>'), 'InvalidArgument'],
    ['an undeclared entity', publishXml('<MessageBody>&x;</MessageBody>'), 'MalformedXML'],
    ['an HTML entity (undeclared in XML)', publishXml('<MessageBody>&nbsp;</MessageBody>'), 'MalformedXML'],
    ['an undeclared entity in an attribute', '<Message a="&x;"><MessageBody>a</MessageBody></Message>', 'MalformedXML'],
    ['elements nested 101 deep', publishXml(`<MessageBody>${'<a>'.repeat(101)}${'</a>'.repeat(101)}</MessageBody>`), 'MalformedXML'],
    ['elements nested 9 deep', publishXml(`<MessageBody>${'<a>'.repeat(7)}${'</a>'.repeat(7)}</MessageBody>`), 'MalformedXML'],
    ['an unterminated CDATA section', publishXml('<MessageBody><![CDATA[abc</MessageBody>'), 'MalformedXML'],
    ['65 elements', publishXml(`<MessageBody>a</MessageBody>${'<x/>'.repeat(64)}`), 'InvalidArgument'],
  ];
  it.each(hostile)('answers %s with a protocol error and keeps serving', async (_name, body, code) => {
    const response = await signed('POST', '/topics/HOSTILE/messages', body);
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe(code);
  });

  it('accepts entity-escaped text without namespace or declaration, in any element order (Java/Go style)', async () => {
    const body =
      '<Message><Properties>a:1|KEYS:k|</Properties><MessageTag>T&amp;1</MessageTag><MessageBody>x &lt; y &amp; &#x4E2D;</MessageBody></Message>';
    const published = await signed('POST', '/topics/ESCAPED/messages', body);
    expect(published.status).toBe(201);
    const consumed = await signed('GET', '/topics/ESCAPED/messages?consumer=G&numOfMessages=1');
    expect(consumed.status).toBe(200);
    expect(consumed.body).toContain('<MessageBody>x &lt; y &amp; 中</MessageBody>');
    expect(consumed.body).toContain('<MessageTag>T&amp;1</MessageTag>');
    expect(consumed.body).toContain('<Properties>a:1|KEYS:k</Properties>');
  });

  it('refuses an ack body nested deeper than the parser allows as MalformedXML, not a 500', async () => {
    const deep = `<ReceiptHandles>${'<ReceiptHandle>'.repeat(101)}h${'</ReceiptHandle>'.repeat(101)}</ReceiptHandles>`;
    const response = await signed('DELETE', '/topics/T/messages?consumer=G', deep);
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('MalformedXML');
  });

  it('refuses a million-deep document in linear time (the validator alone would take seconds)', async () => {
    const deep = `<Message>${'<a>'.repeat(1_000_000)}${'</a>'.repeat(1_000_000)}</Message>`;
    const started = Date.now();
    const response = await signed('POST', '/topics/T/messages', deep);
    expect(errorOf(response).code).toBe('MalformedXML');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reads DELETE bodies and refuses an empty handle list with MissingReceiptHandle', async () => {
    const empty = '<?xml version="1.0" encoding="UTF-8"?><ReceiptHandles xmlns="http://mq.aliyuncs.com/doc/v1/"></ReceiptHandles>';
    expect(errorOf(await signed('DELETE', '/topics/T/messages?consumer=G', empty)).code).toBe('MissingReceiptHandle');
    const one = '<ReceiptHandles><ReceiptHandle>nonsense</ReceiptHandle></ReceiptHandles>';
    const response = await signed('DELETE', '/topics/T/messages?consumer=G', one);
    expect(response.status).toBe(404);
    expect(response.body).toContain('<Error><ErrorCode>ReceiptHandleError</ErrorCode>');
    expect(response.body).toContain('<ReceiptHandle>nonsense</ReceiptHandle>');
  });

  it('refuses a body above the request size cap without reading it all, then keeps serving', async () => {
    const huge = Buffer.alloc(9 * 1024 * 1024, 'a');
    const response = await send('POST', '/topics/T/messages', { 'content-length': huge.length }, huge).catch((error: Error) => error);
    if (!(response instanceof Error)) expect(errorOf(response).code).toBe('InvalidArgument');
    expect((await signed('POST', '/topics/AFTER_HUGE/messages', publishXml('<MessageBody>ok</MessageBody>'))).status).toBe(201);
  });
});

describe('long polls', () => {
  it('does not hand messages to a long poll whose client went away', async () => {
    const resource = '/topics/ABANDONED/messages?consumer=G&numOfMessages=16&waitseconds=20';
    const headers = sdkClient.buildHeaders('GET', '', resource);
    const abandoned = request(`${url}${resource}`, { method: 'GET', headers });
    abandoned.on('error', () => undefined);
    abandoned.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    abandoned.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await signed('POST', '/topics/ABANDONED/messages', publishXml('<MessageBody>for the living</MessageBody>'))).status).toBe(201);
    const consumed = await signed('GET', '/topics/ABANDONED/messages?consumer=G&numOfMessages=16');
    expect(consumed.status).toBe(200);
    expect(consumed.body).toContain('for the living');
  });
});

describe('admin endpoints', () => {
  it('lists dead letters (message bodies) only for a request signed with the access key', async () => {
    const target = '/admin/dead-letters?topic=T';
    const unsigned = await send('GET', target, {});
    expect(unsigned.status).toBe(400);
    expect(JSON.parse(unsigned.body)).toEqual({ error: { code: 'MissingAuthorizationHeader', message: expect.any(String) } });
    const headers = sdkClient.buildHeaders('GET', '', target);
    const forged = await send('GET', target, { ...headers, authorization: 'MQ txcenter-dev:AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body).error.code).toBe('SignatureDoesNotMatch');
    // A signature for another target does not open this one.
    const elsewhere = await send('GET', `${target}x`, headers);
    expect(elsewhere.status).toBe(403);
    const allowed = await send('GET', target, headers);
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.body)).toEqual({ deadLetters: [] });
  });

  it('keeps the counts-only state open and answers other methods and paths with the typed error shape', async () => {
    expect((await send('GET', '/admin/state', {})).status).toBe(200);
    const put = await send('PUT', '/admin/state', {});
    expect(put.status).toBe(405);
    expect(JSON.parse(put.body).error.code).toBe('METHOD_NOT_ALLOWED');
    expect(JSON.parse((await send('GET', '/admin/nothing', {})).body).error.code).toBe('NOT_FOUND');
  });
});
