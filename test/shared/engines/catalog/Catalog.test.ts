import { describe, expect, it } from 'vitest';
import { CATALOG_DATA, catalog, loadCatalog, matchesTag, parseTagExpression } from '../../../../shared/engines/catalog';
import type { CatalogInput } from '../../../../shared/engines/catalog';

const clone = (): CatalogInput => structuredClone(CATALOG_DATA);

describe('Function: parseTagExpression', () => {
  it.each([undefined, '', '*', '  *  ', '||'])('treats %j as match-all', (expression) => {
    const filter = parseTagExpression(expression);
    expect(matchesTag(filter, 'ANY')).toBe(true);
    expect(matchesTag(filter, undefined)).toBe(true);
  });

  it('splits on || and trims items', () => {
    const filter = parseTagExpression(' TagA || TagC ');
    expect(matchesTag(filter, 'TagA')).toBe(true);
    expect(matchesTag(filter, 'TagC')).toBe(true);
    expect(matchesTag(filter, 'TagB')).toBe(false);
    expect(matchesTag(filter, undefined)).toBe(false);
  });
});

describe('Class: Catalog', () => {
  it('routes each companion tag to the subscribers of the source architecture', () => {
    const subscribers = (tag: string) =>
      catalog()
        .subscribersOf('TXC_COMPANION', tag)
        .map((g) => g.id)
        .sort();
    expect(subscribers('OPERATIONS')).toEqual(['GID_TXC_COMPLIANCE', 'GID_TXC_DATACENTER', 'GID_TXC_OPS']);
    expect(subscribers('CUSTOMER_SERVICE')).toEqual(['GID_TXC_CS', 'GID_TXC_DATACENTER']);
    expect(subscribers('ORCHESTRATION')).toEqual(['GID_TXC_COMPLIANCE', 'GID_TXC_DATACENTER', 'GID_TXC_ORCH']);
    expect(
      catalog()
        .subscribersOf('TXC_FUND_TRADE', 'DISCOUNT_PURCHASE')
        .map((g) => g.id)
        .sort(),
    ).toEqual(['GID_TXC_DATACENTER_TRADE', 'GID_TXC_ORCH_TRADE']);
  });

  it('gives every group exactly one consuming trigger and applies defaults', () => {
    const triggers = catalog().mqTriggers();
    expect(triggers.map((t) => t.subscription.id).sort()).toEqual(
      catalog()
        .groups.map((g) => g.id)
        .sort(),
    );
    expect(catalog().group('GID_TXC_OPS')?.maxAttempts).toBe(16);
    expect(catalog().tag('TXC_FUND_TRADE', 'DISCOUNT_PURCHASE')?.undecidedPolicy).toBe('rollback-and-alert');
    expect(catalog().tag('TXC_FUND_TRADE', 'NOPE')).toBeUndefined();
  });

  it('declares the check group to the broker along with every consumer group', () => {
    const { topics, groups } = catalog().brokerResources();
    expect(topics).toContain('TXC_DEAD_LETTER');
    expect(groups).toContain('GID_TXC_CHECKBACK');
    expect(groups).toContain('GID_TXC_DATACENTER');
  });

  it('rejects a tag expression naming an unknown tag', () => {
    const data = clone();
    data.groups[0]!.tagExpression = 'OPERATIONS||TYPO';
    expect(() => loadCatalog(data)).toThrow(/unknown tag 'TYPO'/);
  });

  it('rejects a duplicate group', () => {
    const data = clone();
    data.groups.push({ ...data.groups[0]! });
    expect(() => loadCatalog(data)).toThrow(/duplicate group 'GID_TXC_OPS'/);
  });

  it('rejects a trigger on an unknown group and a group nobody consumes', () => {
    const data = clone();
    const trigger = data.functions.find((fn) => fn.name === 'consumer-ops')!.triggers[0]!;
    if (trigger.type !== 'mq') throw new Error('fixture changed');
    trigger.group = 'GID_TXC_GHOST';
    expect(() => loadCatalog(data)).toThrow(/unknown group 'GID_TXC_GHOST'.*'GID_TXC_OPS' has no consuming function/);
  });

  it('rejects a function with an HTTP trigger and another trigger (Function Compute 2.0 refuses it)', () => {
    const data = clone();
    data.functions.find((fn) => fn.name === 'dlq-alerter')!.triggers.push({ type: 'http', name: 'replay', methods: ['POST'] });
    expect(() => loadCatalog(data)).toThrow(/function 'dlq-alerter' mixes an HTTP trigger with other triggers/);
  });

  it('rejects shape errors with the offending field', () => {
    const data = clone();
    data.topics[1]!.tags[0]!.checkImmunitySeconds = 5;
    expect(() => loadCatalog(data)).toThrow(/checkImmunitySeconds/);
  });
});
