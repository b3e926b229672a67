import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/build';
import { offlineServerlessEnv } from '../../scripts/config';
import { catalog } from '../../shared/engines/catalog';
import { loadServerlessConfig } from '../../scripts/deploy';
import type { ServerlessConfig } from '../../scripts/serverlessConfig';
import { catalogDrift } from '../../scripts/serverlessConfig';

let config: ServerlessConfig;
beforeAll(async () => {
  config = await loadServerlessConfig(undefined, {});
});

describe('Function: catalogDrift', () => {
  it('finds serverless.yml in step with the catalog (every function, handler and trigger)', () => {
    expect(catalogDrift(config, catalog())).toEqual([]);
    expect(Object.keys(config.functions).sort()).toEqual(
      catalog()
        .functions.map((fn) => fn.name)
        .sort(),
    );
  });

  it('reports a tag filter that differs from the consumer group', () => {
    const drifted = structuredClone(config);
    const trigger = drifted.custom.txcenter.triggers['consumer-compliance']![0]!;
    if (trigger.type === 'rocketmq') trigger.tags = 'OPERATIONS';
    expect(catalogDrift(drifted, catalog())).toEqual([
      expect.stringMatching(/consumer-compliance' trigger 'companion'.*OPERATIONS\|\|ORCHESTRATION/),
    ]);
  });

  it('reports missing and extra triggers, functions, handlers and timeouts', () => {
    const drifted = structuredClone(config);
    drifted.custom.txcenter.triggers['tx-console'] = drifted.custom.txcenter.triggers['tx-console']!.filter((t) => t.name !== 'http');
    drifted.custom.txcenter.triggers.reconciler!.push({ name: 'hourly', type: 'timer', cron: '0 0 * * * *', payload: '' });
    delete drifted.functions['consumer-cs'];
    drifted.functions['tx-gateway']!.handler = 'index.handler';
    drifted.functions.reconciler!.timeout = 60;
    drifted.functions.ghost = { handler: 'dist/ghost.handler', memorySize: 256, timeout: 60 };
    const problems = catalogDrift(drifted, catalog()).join('\n');
    expect(problems).toContain("function 'tx-console' lacks trigger 'http'");
    expect(problems).toContain("function 'reconciler' has trigger 'hourly'");
    expect(problems).toContain("function 'consumer-cs' is in the catalog but not in serverless.yml");
    expect(problems).toContain("function 'tx-gateway' handler is 'index.handler'");
    expect(problems).toContain("function 'reconciler' timeout 60 s, catalog says 120 s");
    expect(problems).toContain("'ghost' in serverless.yml is not a catalog function");
  });

  it('reports a cron that differs from the catalog', () => {
    const drifted = structuredClone(config);
    const trigger = drifted.custom.txcenter.triggers['tx-checkback']![0]!;
    if (trigger.type === 'timer') trigger.cron = '@every 5m';
    expect(catalogDrift(drifted, catalog())).toHaveLength(1);
  });
});

describe('serverless package without credentials', () => {
  it('names the fix in one message instead of crashing with a stack trace', () => {
    const result = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/serverless/bin/serverless.js'), 'package'], {
      cwd: REPO_ROOT,
      env: offlineServerlessEnv({ TXC_SLS_CREDENTIALS: '/nonexistent/aliyun-credentials' }),
      encoding: 'utf8',
      timeout: 120_000,
    });
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status).not.toBe(0);
    expect(output).toContain("no Aliyun credentials file at '/nonexistent/aliyun-credentials'. Set TXC_SLS_CREDENTIALS");
    expect(output).not.toMatch(/at Object\.readFileSync|aliyunProvider\.js/);
  }, 130_000);
});
