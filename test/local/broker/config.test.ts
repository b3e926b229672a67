import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerResources } from '../../../shared/engines/catalog/index';
import { DEFAULT_DATA_DIR, loadBrokerConfig } from '../../../local/broker/config';
import { resolveBrokerOptions } from '../../../local/broker/options';

const dir = mkdtempSync(join(tmpdir(), 'txc-broker-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadBrokerConfig', () => {
  it('defaults to the shared catalog as declared resources, and the cloud timings', () => {
    const options = resolveBrokerOptions(loadBrokerConfig([], {}));
    expect(options).toMatchObject({
      port: 9876,
      host: '127.0.0.1',
      dataDir: DEFAULT_DATA_DIR,
      autoCreate: false,
      invisibilitySeconds: 300,
      maxReconsume: 288,
      halfRecheckSeconds: 10,
      minCheckImmunitySeconds: 10,
    });
    expect(options.declared).toEqual([brokerResources()]);
    expect(options.credentials).toEqual([{ accessKeyId: 'txcenter-dev', accessKeySecret: 'txcenter-dev-secret' }]);
  });

  it('reads every option from the environment, and flags win over it', () => {
    const env = {
      TXC_BROKER_PORT: '1234',
      TXC_BROKER_DATA: '/tmp/x',
      TXC_BROKER_AUTO_CREATE: 'true',
      TXC_BROKER_ACCESS_KEY_ID: 'id',
      TXC_BROKER_ACCESS_KEY_SECRET: 'secret',
      TXC_BROKER_INVISIBILITY_SECONDS: '2',
      TXC_BROKER_MAX_RECONSUME: '5',
      TXC_BROKER_HALF_RECHECK_SECONDS: '3',
      TXC_BROKER_MIN_CHECK_IMMUNITY_SECONDS: '1',
    };
    const options = resolveBrokerOptions(loadBrokerConfig(['--port', '0', '--max-reconsume', '7'], env));
    expect(options).toMatchObject({
      port: 0,
      dataDir: '/tmp/x',
      autoCreate: true,
      declared: [],
      invisibilitySeconds: 2,
      maxReconsume: 7,
      halfRecheckSeconds: 3,
      minCheckImmunitySeconds: 1,
    });
    expect(options.credentials).toEqual([{ accessKeyId: 'id', accessKeySecret: 'secret' }]);
  });

  it('reads declared topics and groups from --config, in both file shapes', () => {
    const full = join(dir, 'full.json');
    writeFileSync(full, JSON.stringify({ declared: [{ ns: 'MQ_INST_1', topics: ['A'], groups: ['GID_A'] }] }));
    expect(loadBrokerConfig(['--config', full], {}).declared).toEqual([{ ns: 'MQ_INST_1', topics: ['A'], groups: ['GID_A'] }]);
    const short = join(dir, 'short.json');
    writeFileSync(short, JSON.stringify({ topics: ['B'], groups: [] }));
    expect(loadBrokerConfig(['--config', short], {}).declared).toEqual([{ topics: ['B'], groups: [] }]);
  });

  it('refuses bad values with a message naming the option', () => {
    expect(() => loadBrokerConfig(['--port', 'abc'], {})).toThrow(/--port/);
    expect(() => loadBrokerConfig(['--access-key-id', 'x'], {})).toThrow(/together/);
    expect(() => loadBrokerConfig(['--unknown'], {})).toThrow(/unknown/i);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ topics: 'A' }));
    expect(() => loadBrokerConfig(['--config', bad], {})).toThrow(/bad\.json/);
    expect(() => resolveBrokerOptions(loadBrokerConfig(['--max-reconsume', '0'], {}))).toThrow(/maxReconsume/);
  });
});
