import { describe, expect, it } from 'vitest';
import { UI_ROUTES } from '../../../../../shared/engines/console/contract';
import { parseRoute } from '../../../../../shared/engines/console/ui/router';

describe('Function: parseRoute', () => {
  it('accepts every route of the contract, with awkward parameters decoded', () => {
    const key = 'journey/2026:p 1?#&';
    expect(parseRoute(UI_ROUTES.login).page).toBe('login');
    expect(parseRoute(UI_ROUTES.overview).page).toBe('overview');
    expect(parseRoute(UI_ROUTES.stuck).page).toBe('stuck');
    expect(parseRoute(UI_ROUTES.subscribers).page).toBe('subscribers');
    expect(parseRoute(UI_ROUTES.deadLetters).page).toBe('deadLetters');
    expect(parseRoute(UI_ROUTES.reconcileRuns).page).toBe('reconcileRuns');
    expect(parseRoute(UI_ROUTES.incidents).page).toBe('incidents');
    expect(parseRoute(UI_ROUTES.audit).page).toBe('audit');
    expect(parseRoute(UI_ROUTES.trace(key))).toMatchObject({ page: 'trace', param: key });
    expect(parseRoute(UI_ROUTES.transaction('tx-1'))).toMatchObject({ page: 'transaction', param: 'tx-1' });
    expect(parseRoute(UI_ROUTES.subscriber('GID_a'))).toMatchObject({ page: 'subscriber', param: 'GID_a' });
    expect(parseRoute(UI_ROUTES.deadLetter('dl-1'))).toMatchObject({ page: 'deadLetter', param: 'dl-1' });
    expect(parseRoute(UI_ROUTES.reconcileRun('r-1'))).toMatchObject({ page: 'reconcileRun', param: 'r-1' });
    expect(parseRoute(UI_ROUTES.incident(key))).toMatchObject({ page: 'incident', param: key });
    expect(parseRoute(UI_ROUTES.transactions({ businessKey: key, state: 'PREPARED' }))).toMatchObject({
      page: 'transactions',
      query: { businessKey: key, state: 'PREPARED' },
    });
  });

  it('shows the overview for an empty hash and "not found" for anything else', () => {
    expect(parseRoute('').page).toBe('overview');
    expect(parseRoute('#/').page).toBe('overview');
    expect(parseRoute('#/nope').page).toBe('notFound');
    expect(parseRoute('#/audit/extra').page).toBe('notFound');
    expect(parseRoute('#/trace/%E0%A4%A').page).toBe('notFound');
  });
});
