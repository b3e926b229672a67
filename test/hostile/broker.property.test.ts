import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../local/broker';
import { MQ_ERROR_CODES } from '../../local/broker';
import { startTestBroker } from '../local/broker/fixtures';
import { nastyString, percentEncode, propertyParameters } from './properties';

// Generated requests, signed by the real SDK's own header builder, against the local broker over real
// HTTP: no request may be answered 5xx, every refusal is the protocol's error document, and a refused
// request stores no message.

let broker: RunningBroker;
let stop: () => Promise<void>;
let signer: { buildHeaders(method: string, body: Buffer | string, resource: string): Record<string, string | number> };

beforeAll(async () => {
  const started = await startTestBroker({ invisibilitySeconds: 5 });
  ({ broker, stop } = started);
  signer = started.client as unknown as typeof signer;
});
afterAll(() => stop?.());

function send(
  method: string,
  target: string,
  body: Buffer | string,
  headers: Record<string, string | number>,
): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${broker.url}${target}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Messages and half messages stored, over every topic. */
function storedMessages(): number {
  return broker.state().topics.reduce((sum, topic) => sum + topic.messages + topic.halfMessages, 0);
}

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const elementName = fc.oneof(
  fc.constantFrom('Message', 'MessageBody', 'MessageTag', 'Properties', 'ReceiptHandles', 'ReceiptHandle', 'x', 'a:b'),
  fc.stringMatching(/^[A-Za-z_][\w.-]{0,8}$/),
);
const text = fc.oneof(
  nastyString(30).map(escapeText),
  nastyString(30),
  nastyString(30).map((t) => `<![CDATA[${t}]]>`),
  fc.constantFrom('&x;', '&nbsp;', '&#1;', '&#xFFFF;', '&#x4E2D;', '&amp;', ']]>', '<!-- c -->', '<?pi x?>', '&'),
);
const { element } = fc.letrec<{ element: string }>((tie) => ({
  element: fc
    .tuple(elementName, fc.array(fc.oneof({ maxDepth: 4 }, text, tie('element')), { maxLength: 4 }), fc.boolean())
    .map(([name, children, attribute]) => `<${name}${attribute ? ' a="&x;"' : ''}>${children.join('')}</${name}>`),
}));
const deep = fc
  .tuple(fc.integer({ min: 1, max: 300_000 }), fc.constantFrom('Message', 'ReceiptHandles'))
  .map(([depth, root]) => `<${root}>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</${root}>`);
const sdkPublish = fc
  .tuple(nastyString(100), nastyString(20), nastyString(40))
  .map(
    ([messageBody, tag, properties]) =>
      `<?xml version="1.0" encoding="UTF-8"?><Message xmlns="http://mq.aliyuncs.com/doc/v1/"><MessageBody><![CDATA[${messageBody}]]></MessageBody><MessageTag><![CDATA[${tag}]]></MessageTag><Properties><![CDATA[${properties}]]></Properties></Message>`,
  );
const xmlBody = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.boolean(), element)
      .map(([declaration, xml]) => `${declaration ? '<?xml version="1.0" encoding="UTF-8"?>' : ''}${xml}`),
  },
  { weight: 2, arbitrary: sdkPublish },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: nastyString(200) },
  { weight: 1, arbitrary: fc.constant('') },
);

/** A URL-safe rendering of a generated string, or its raw visible-ASCII form (possibly bad percent-encoding). */
const urlPart = (max: number) =>
  fc.oneof(
    fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{1,${max}}$`)),
    nastyString(max).map(percentEncode),
    fc.stringMatching(/^[!-"$-~]{0,12}$/),
  );
const param = fc.tuple(
  fc.oneof(fc.constantFrom('ns', 'consumer', 'numOfMessages', 'waitseconds', 'tag', 'trans'), urlPart(8)),
  fc.oneof(fc.constantFrom('', '0', '1', '16', '17', '-1', '1e3', 'order', 'pop', 'commit', 'rollback', 'G1', 'A||B', '*'), urlPart(70)),
);

/** A consume with a valid positive waitseconds would park for up to 30 s: generated requests never wait. */
function neverWaits([name, value]: [string, string]): [string, string] {
  return name === 'waitseconds' && /^\d+$/.test(value) ? [name, '0'] : [name, value];
}

describe('Hostile input: local broker (generated)', () => {
  it('answers every signed request below 500 with the protocol error document, storing nothing when it refuses', async () => {
    const method = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('POST', 'GET', 'DELETE') },
      { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH') },
    );
    const topic = fc.oneof(fc.constantFrom('T1', 'TXC_FUND_TRADE'), urlPart(70));
    const anyRequest = fc.tuple(method, topic, fc.array(param, { maxLength: 6 }));
    // Publishes and acks with a valid target, so the generated bodies reach the XML parser.
    const parsedRequest = fc.constantFrom<[string, string, [string, string][]]>(
      ['POST', 'T1', []],
      ['POST', 'T1', [['ns', 'MQ_INST_1']]],
      ['DELETE', 'T1', [['consumer', 'G1']]],
      [
        'DELETE',
        'T1',
        [
          ['consumer', 'G1'],
          ['trans', 'commit'],
        ],
      ],
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyRequest, parsedRequest), xmlBody, async ([verb, name, params], body) => {
        const query = params
          .map(neverWaits)
          .map(([k, v]) => `${k}=${v}`)
          .join('&');
        const target = `/topics/${name}/messages${query === '' ? '' : `?${query}`}`;
        const before = storedMessages();
        // Bytes, as the SDK signs them: it sets content-length from `.length`, right only for a Buffer.
        const bytes = Buffer.from(body, 'utf8');
        const response = await send(verb, target, bytes, signer.buildHeaders(verb, bytes, target));
        expect(response.status, `${verb} ${target}`).toBeLessThan(500);
        if (response.status === 400 && response.contentType === '') {
          // Node's HTTP parser itself refused the request line (characters no client may send raw).
          expect(response.body).toBe('');
        } else if (response.status >= 400) {
          expect(response.contentType).toBe('text/xml;charset=utf-8');
          if (response.body.includes('<Errors ')) {
            // An ack/commit/rollback naming handles that failed: only handle codes, nothing stored.
            expect(response.status).toBe(404);
            expect(response.body).toMatch(/<ErrorCode>(ReceiptHandleError|MessageNotExist)<\/ErrorCode>/);
          } else {
            const code = /<Code>([^<]*)<\/Code>/.exec(response.body)?.[1];
            expect(Object.keys(MQ_ERROR_CODES)).toContain(code);
            expect(response.body).toMatch(/<Message>[^<]+<\/Message><RequestId>[0-9A-F]{24}<\/RequestId><HostId>/);
          }
        }
        if (response.status >= 400) expect(storedMessages()).toBe(before);
      }),
      propertyParameters('broker', 300),
    );
  });

  it('answers generated admin requests below 500, with the JSON error shape when refused', async () => {
    const path = fc.oneof(
      fc.constantFrom('/admin/state', '/admin/dead-letters', '/admin/x'),
      urlPart(30).map((p) => `/admin/${p}`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'DELETE'),
        path,
        fc.array(param, { maxLength: 4 }),
        fc.boolean(),
        async (verb, where, params, sign) => {
          const target = `${where}${params.length === 0 ? '' : `?${params.map(([k, v]) => `${k}=${v}`).join('&')}`}`;
          const response = await send(verb, target, '', sign ? signer.buildHeaders(verb, '', target) : {});
          expect(response.status, `${verb} ${target}`).toBeLessThan(500);
          if (response.status >= 400)
            expect(JSON.parse(response.body)).toEqual({
              error: { code: expect.stringMatching(/^[A-Za-z_]+$/), message: expect.stringMatching(/\S/) },
            });
        },
      ),
      propertyParameters('broker admin', 100),
    );
  });
});
