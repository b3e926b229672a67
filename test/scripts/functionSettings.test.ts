import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../shared/engines/catalog';
import { REPO_ROOT } from '../../scripts/build';
import {
  allSettingNames,
  FUNCTION_CONFIG_SCHEMAS,
  SETTINGS,
  functionEnvironment,
  settingProblems,
  settingsOf,
  settingsTableMarkdown,
} from '../../scripts/functionSettings';

describe('The settings table', () => {
  it('has one schema per catalog function and one row per setting any function reads', () => {
    expect(Object.keys(FUNCTION_CONFIG_SCHEMAS).sort()).toEqual(
      catalog()
        .functions.map((fn) => fn.name)
        .sort(),
    );
    const read = new Set(Object.keys(FUNCTION_CONFIG_SCHEMAS).flatMap(settingsOf));
    expect([...read].filter((name) => !(name in SETTINGS))).toEqual([]);
    expect(Object.keys(SETTINGS).filter((name) => !read.has(name))).toEqual([]);
  });

  it('is the table in docs/deploying.md (regenerate with npm run deploy -- --settings-table)', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs/deploying.md'), 'utf8');
    expect(doc).toContain(settingsTableMarkdown());
    for (const name of allSettingNames()) expect(settingsTableMarkdown()).toContain(`\`${name}\``);
  });
});

describe('Function: settingProblems', () => {
  it('names unset required settings once, with the functions that need them, and never echoes a value', () => {
    const problems = settingProblems({
      TXC_DATABASE_URL: 'mysql://u:topsecret@db:3306/x',
      TXC_MQ_ENDPOINT: 'http://127.0.0.1:9876',
      TXC_SYSTEMS: 'not json',
    });
    const text = problems.map((p) => `${p.setting} ${p.problem} (${p.functions.join(', ')})`).join('\n');
    expect(text).toMatch(
      /^TXC_MQ_ACCESS_KEY_ID is not set \(tx-gateway, tx-checkback, consumer-ops, consumer-cs, consumer-orchestration, consumer-compliance, consumer-datacenter, dlq-alerter, reconciler, tx-console, touchpoint-sender\)$/m,
    );
    expect(text).toMatch(/^TXC_MQ_ENDPOINT points at this machine/m);
    expect(text).toMatch(
      /^TXC_SYSTEMS must be a JSON array of \{id, secret, checkbackUrl\} \(tx-gateway, tx-checkback, reconciler, tx-console\)$/m,
    );
    expect(text).toMatch(/^TXC_TRADING_URL is not set/m);
    expect(text).not.toContain('topsecret');
    expect(problems.filter((p) => p.setting === 'TXC_MQ_ACCESS_KEY_ID')).toHaveLength(1);
    expect(settingProblems({}, ['tx-new'])).toEqual([
      { setting: '(settings table)', problem: expect.stringMatching(/no entry for this function/), functions: ['tx-new'] },
    ]);
  });

  it('never deploys a local-stack setting, and names one a stage sets', () => {
    expect(functionEnvironment('tx-console', { TXC_LOCAL_RUNTIME_STATUS_FILE: '/data/runtime.json', TXC_LOG_LEVEL: 'warn' })).toEqual({
      TXC_LOG_LEVEL: 'warn',
    });
    expect(settingProblems({ TXC_LOCAL_RUNTIME_STATUS_FILE: '/data/runtime.json' }, ['tx-console'])).toContainEqual({
      setting: 'TXC_LOCAL_RUNTIME_STATUS_FILE',
      problem: expect.stringMatching(/local-stack setting/),
      functions: ['tx-console'],
    });
  });

  it('checks values with each function’s own schema (types, ranges, enums)', () => {
    const names = (values: Record<string, string>) =>
      settingProblems(values, ['consumer-ops', 'reconciler', 'tx-checkback']).map((p) => `${p.setting}:${p.functions.join('+')}`);
    const problems = names({
      TXC_CONSUMER_MAX_ATTEMPTS: '0',
      TXC_RECONCILE_LOOKBACK_SECONDS: '10',
      TXC_CHECKBACK_TIMEOUT_MS: '1.5',
      TXC_ALERT_WEBHOOK_FORMAT: 'slack',
      TXC_LOG_LEVEL: 'loud',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'TXC_CONSUMER_MAX_ATTEMPTS:consumer-ops',
        'TXC_RECONCILE_LOOKBACK_SECONDS:reconciler',
        'TXC_CHECKBACK_TIMEOUT_MS:tx-checkback',
        'TXC_ALERT_WEBHOOK_FORMAT:consumer-ops+reconciler+tx-checkback',
        'TXC_LOG_LEVEL:consumer-ops+reconciler+tx-checkback',
      ]),
    );
  });
});
