import { describe, expect, it } from 'vitest';
import {
  escapeXml,
  parsePublishRequest,
  parseReceiptHandles,
  renderError,
  renderHandleErrors,
  renderMessages,
} from '../../../../local/broker/codec/xml';
import { MqError } from '../../../../local/broker/errors';

/** What the Node SDK's `toXMLBuffer` produces (lib/helper.js), rebuilt here to drive the parser. */
function sdkXml(root: string, params: Record<string, string | undefined>): string {
  const leaves = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="http://mq.aliyuncs.com/doc/v1/">${leaves}</${root}>`;
}

function codeOf(action: () => unknown): string {
  try {
    action();
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(MqError);
    return (error as MqError).code;
  }
}

describe('parsePublishRequest', () => {
  const samples: { MessageBody: string; MessageTag?: string; Properties?: string }[] = [
    { MessageBody: 'hello' },
    { MessageBody: 'x & <y> "z" \'w\' 基金 😀', MessageTag: 'TagA' },
    { MessageBody: 'line1\nline2\ttab', MessageTag: 'T', Properties: 'a:1|KEYS:k|__STARTDELIVERTIME:1735689600000' },
    { MessageBody: ']] > almost', Properties: 'a:1' },
  ];
  it.each(samples)('reads the Node SDK shape the same way as the general parser: %j', (params) => {
    const fast = parsePublishRequest(sdkXml('Message', params));
    // The same document without the exact SDK prefix takes the general parser.
    const general = parsePublishRequest(sdkXml('Message', params).replace('<?xml version="1.0" encoding="UTF-8"?>', ''));
    expect(fast).toEqual(general);
    expect(fast).toEqual({ body: params.MessageBody, tag: params.MessageTag, properties: params.Properties });
  });

  it('does not take the fast path for a body that smuggles "]]>" and elements', () => {
    const smuggled = sdkXml('Message', { MessageBody: 'a]]></MessageBody><MessageTag><![CDATA[evil' });
    expect(codeOf(() => parsePublishRequest(smuggled))).not.toBe('ok');
  });

  it.each([
    ['<Message>', 'MalformedXML'],
    ['<Message><MessageBody>a</MessageBody></Message><Message/>', 'MalformedXML'],
    ['<?xml version="1.0"?><!DOCTYPE Message SYSTEM "file:///etc/passwd"><Message><MessageBody>x</MessageBody></Message>', 'MalformedXML'],
    ['<Message><MessageBody>&#xD800;</MessageBody></Message>', 'MalformedXML'],
    ['<Message><MessageBody>a</MessageBody><MessageBody>b</MessageBody></Message>', 'InvalidArgument'],
    ['<Message>text</Message>', 'InvalidArgument'],
    ['<Message><MessageBody/></Message>', 'ok'],
  ])('handles hostile input %j', (xml, code) => {
    expect(codeOf(() => parsePublishRequest(xml))).toBe(code);
  });

  it('survives every prefix of a valid document without crashing', () => {
    const xml = sdkXml('Message', { MessageBody: 'body', MessageTag: 'T', Properties: 'a:1' });
    for (let end = 0; end < xml.length; end += 1)
      expect(['MalformedXML', 'InvalidArgument']).toContain(codeOf(() => parsePublishRequest(xml.slice(0, end))));
  });
});

describe('parseReceiptHandles', () => {
  it('reads handles in CDATA and escaped text, and the empty list', () => {
    expect(
      parseReceiptHandles(
        '<?xml version="1.0" encoding="UTF-8"?><ReceiptHandles xmlns="http://mq.aliyuncs.com/doc/v1/"><ReceiptHandle><![CDATA[H1]]></ReceiptHandle><ReceiptHandle><![CDATA[H2]]></ReceiptHandle></ReceiptHandles>',
      ),
    ).toEqual(['H1', 'H2']);
    expect(parseReceiptHandles('<ReceiptHandles><ReceiptHandle>a&amp;b</ReceiptHandle></ReceiptHandles>')).toEqual(['a&b']);
    expect(
      parseReceiptHandles('<?xml version="1.0" encoding="UTF-8"?><ReceiptHandles xmlns="http://mq.aliyuncs.com/doc/v1/"></ReceiptHandles>'),
    ).toEqual([]);
    expect(codeOf(() => parseReceiptHandles('<ReceiptHandles><Other>x</Other></ReceiptHandles>'))).toBe('InvalidArgument');
  });
});

describe('rendering', () => {
  it('escapes text, including carriage returns', () => {
    expect(escapeXml(`<a href="x">&'\r`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#13;');
    expect(escapeXml('plain')).toBe('plain');
  });

  it('renders messages with every field in the documented order, optional ones only when present', () => {
    const xml = renderMessages([
      {
        messageId: 'A',
        receiptHandle: 'H',
        bodyMd5: 'M',
        body: 'b<',
        publishTime: 1,
        firstConsumeTime: 2,
        nextConsumeTime: 3,
        consumedTimes: 1,
        tag: undefined,
        properties: '',
      },
      {
        messageId: 'B',
        receiptHandle: 'H2',
        bodyMd5: 'M2',
        body: 'c',
        publishTime: 1,
        firstConsumeTime: 2,
        nextConsumeTime: 3,
        consumedTimes: 2,
        tag: 'T',
        properties: 'a:1',
      },
    ]);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Messages xmlns="http://mq.aliyuncs.com/doc/v1/">' +
        '<Message><MessageId>A</MessageId><ReceiptHandle>H</ReceiptHandle><MessageBodyMD5>M</MessageBodyMD5><MessageBody>b&lt;</MessageBody><PublishTime>1</PublishTime><FirstConsumeTime>2</FirstConsumeTime><NextConsumeTime>3</NextConsumeTime><ConsumedTimes>1</ConsumedTimes></Message>' +
        '<Message><MessageId>B</MessageId><ReceiptHandle>H2</ReceiptHandle><MessageBodyMD5>M2</MessageBodyMD5><MessageBody>c</MessageBody><PublishTime>1</PublishTime><FirstConsumeTime>2</FirstConsumeTime><NextConsumeTime>3</NextConsumeTime><ConsumedTimes>2</ConsumedTimes><MessageTag>T</MessageTag><Properties>a:1</Properties></Message>' +
        '</Messages>',
    );
  });

  it('renders error documents with all four children and handle errors with all three', () => {
    expect(renderError('MessageNotExist', 'Message not exist.', 'RID', 'http://h')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Error xmlns="http://mq.aliyuncs.com/doc/v1"><Code>MessageNotExist</Code><Message>Message not exist.</Message><RequestId>RID</RequestId><HostId>http://h</HostId></Error>',
    );
    expect(renderHandleErrors([{ handle: 'x<', code: 'ReceiptHandleError', message: 'bad' }])).toContain(
      '<Error><ErrorCode>ReceiptHandleError</ErrorCode><ErrorMessage>bad</ErrorMessage><ReceiptHandle>x&lt;</ReceiptHandle></Error>',
    );
  });
});
