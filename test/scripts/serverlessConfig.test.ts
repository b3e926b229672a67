import { beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../shared/catalog';
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
    expect(Object.keys(config.functions).sort()).toEqual(catalog().functions.map((fn) => fn.name).sort());
  });

  it('reports a tag filter that differs from the consumer group', () => {
    const drifted = structuredClone(config);
    const trigger = drifted.custom.txcenter.triggers['consumer-compliance']![0]!;
    if (trigger.type === 'rocketmq') trigger.tags = 'OPERATIONS';
    expect(catalogDrift(drifted, catalog())).toEqual([expect.stringMatching(/consumer-compliance' trigger 'companion'.*OPERATIONS\|\|ORCHESTRATION/)]);
  });

  it('reports missing and extra triggers, functions, handlers and timeouts', () => {
    const drifted = structuredClone(config);
    drifted.custom.txcenter.triggers['tx-console'] = drifted.custom.txcenter.triggers['tx-console']!.filter((t) => t.name !== 'http');
    drifted.custom.txcenter.triggers['reconciler']!.push({ name: 'hourly', type: 'timer', cron: '0 0 * * * *', payload: '' });
    delete drifted.functions['consumer-cs'];
    drifted.functions['tx-gateway']!.handler = 'index.handler';
    drifted.functions['reconciler']!.timeout = 60;
    drifted.functions['ghost'] = { handler: 'dist/ghost.handler', memorySize: 256, timeout: 60 };
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
