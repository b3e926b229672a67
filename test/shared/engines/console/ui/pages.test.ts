import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../../../../shared/engines/console/contract';
import { ApiError } from '../../../../../shared/engines/console/ui/errors';
import { deadLetterView } from '../../../../../shared/engines/console/ui/pages/deadLetter';
import { deadLettersView } from '../../../../../shared/engines/console/ui/pages/deadLetters';
import { overviewView } from '../../../../../shared/engines/console/ui/pages/overview';
import { auditView } from '../../../../../shared/engines/console/ui/pages/audit';
import { incidentsView, reconcileRunsView } from '../../../../../shared/engines/console/ui/pages/reports';
import { stuckView } from '../../../../../shared/engines/console/ui/pages/stuck';
import { subscribersView } from '../../../../../shared/engines/console/ui/pages/subscribers';
import { traceView } from '../../../../../shared/engines/console/ui/pages/trace';
import { transactionView } from '../../../../../shared/engines/console/ui/pages/transaction';
import type { StuckActionState } from '../../../../../shared/engines/console/ui/pages/transaction';
import { transactionsView } from '../../../../../shared/engines/console/ui/pages/transactions';
import { newReplayState } from '../../../../../shared/engines/console/ui/replayPanel';
import { refusal } from '../../../../../shared/engines/console/ui/components';
import { translator } from '../../../../../shared/engines/console/ui/i18n';
import type { VElement, VNode } from '../../../../../shared/engines/console/ui/view';
import { findAll, textOf } from '../../../../../shared/engines/console/ui/view';
import { context, deadLetter, deadLetterDetail, detail, fakeFetch, overview, report, trace, tx } from './fixtures';

const byTest = (node: VNode, id: string): VElement[] => findAll(node, (e) => e.attrs['data-test'] === id);
const buttons = (node: VNode) => findAll(node, (e) => e.tag === 'button').map(textOf);
/** Lets the handlers' awaited API calls finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const stuckState = (): StuckActionState => ({ busy: false, reason: '', choice: '', invalid: false });

describe('console pages', () => {
  it('every page renders in both languages from the API shapes', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const ctx = context({ lang });
      const pages: VNode[] = [
        overviewView(overview(), ctx),
        transactionsView({ items: [tx()], nextCursor: 'c1' }, {}, ctx),
        transactionView(detail(), stuckState(), ctx),
        traceView(trace(), ctx),
        stuckView({ items: [tx({ stuck: true, state: 'PREPARED' })], nextCursor: null }, {}, new Map(), ctx),
        subscribersView(
          [
            {
              group: 'GID_points',
              topic: 'trade',
              tagExpression: 'A||B',
              description: 'points',
              functions: ['points'],
              maxAttempts: 5,
              slaSeconds: 60,
              window: '24h',
              consumed: 3,
              lastConsumedAt: null,
              backlog: 0,
              conflicts: 0,
              deadLetters: { pending: 1, total: 2 },
            },
          ],
          {},
          ctx,
        ),
        deadLettersView({ items: [deadLetter()], nextCursor: null }, {}, { selected: new Set(), replay: newReplayState() }, ctx),
        deadLetterView(deadLetterDetail(), newReplayState(), ctx),
        reconcileRunsView(
          {
            items: [
              {
                runId: 'r-1',
                finishedAt: '2026-11-27T10:00:00.000Z',
                clean: false,
                truncated: false,
                stuckPrepared: 1,
                missingConsumption: 0,
                deadLetters: 0,
              },
            ],
            nextCursor: null,
          },
          {},
          ctx,
        ),
        incidentsView({ items: [], nextCursor: null }, {}, ctx),
        auditView(
          {
            items: [
              {
                id: 'a-1',
                at: '2026-11-27T10:00:00.000Z',
                actor: 'ops',
                role: 'operator',
                action: 'replay',
                target: 'ids:dl-1',
                result: 'ok',
                detail: { replayed: 1 },
                sourceIp: '127.0.0.1',
              },
            ],
            nextCursor: null,
          },
          {},
          ctx,
        ),
      ];
      for (const page of pages) expect(textOf(page).length).toBeGreaterThan(10);
      expect(textOf(pages[0])).toContain(lang === 'en' ? 'Stuck transactions' : '悬挂事务');
    }
  });

  it('the transaction search pages by keyset: "next page" carries the server cursor and the filters', () => {
    const node = transactionsView({ items: [tx()], nextCursor: 'abc' }, { businessKey: 'p-1', cursor: 'prev' }, context());
    const next = byTest(node, 'next-page')[0];
    expect(next?.attrs.href).toBe('#/transactions?businessKey=p-1&cursor=abc');
    expect(textOf(node)).toContain('第一页');
  });

  it('the search form turns its values into the route, times as ISO UTC', () => {
    const ctx = context();
    const form = byTest(transactionsView({ items: [], nextCursor: null }, {}, ctx), 'tx-search')[0];
    form?.on.submit?.({ businessKey: ' p-9 ', state: 'PREPARED', from: '2026-11-27T10:00', txId: '' });
    expect(ctx.went).toHaveLength(1);
    const query = new URLSearchParams(ctx.went[0]?.split('?')[1]);
    expect(query.get('businessKey')).toBe('p-9');
    expect(query.get('state')).toBe('PREPARED');
    expect(query.get('from')).toBe(new Date('2026-11-27T10:00').toISOString());
    expect(query.has('txId')).toBe(false);
  });

  it('a transaction lists every expected group with its consumption or its absence', () => {
    const node = transactionView(detail(), stuckState(), context({ lang: 'en' }));
    const groups = findAll(node, (e) => typeof e.attrs['data-group'] === 'string').map((e) => e.attrs['data-group']);
    expect(groups).toEqual(['GID_points', 'GID_archive']);
    const text = textOf(node);
    expect(text).toContain('consumed');
    expect(text).toContain('not consumed, past SLA');
  });

  it('viewers see no action on a stuck transaction or a dead letter; operators do', () => {
    const stuck = detail({ state: 'PREPARED', stuck: true, delivery: 'not-decided' }, { check: true, decide: true });
    const viewer = context({ role: 'viewer' });
    const operator = context({ role: 'operator' });
    expect(byTest(transactionView(stuck, stuckState(), viewer), 'check-now')).toEqual([]);
    expect(byTest(transactionView(stuck, stuckState(), viewer), 'decision-form')).toEqual([]);
    expect(byTest(transactionView(stuck, stuckState(), operator), 'check-now')).toHaveLength(1);
    expect(byTest(transactionView(stuck, stuckState(), operator), 'decision-form')).toHaveLength(1);
    const list = { items: [deadLetter()], nextCursor: null };
    const viewerList = deadLettersView(list, {}, { selected: new Set(), replay: newReplayState() }, viewer);
    expect(byTest(viewerList, 'dl-select')).toEqual([]);
    expect(buttons(viewerList).filter((label) => label.includes('重放'))).toEqual([]);
    expect(byTest(deadLetterView(deadLetterDetail(), newReplayState(), viewer), 'replay-preview-one')).toEqual([]);
    expect(byTest(deadLettersView(list, {}, { selected: new Set(), replay: newReplayState() }, operator), 'dl-select')).toHaveLength(1);
  });

  it('a decision needs a choice and a reason of 5–500 characters before anything is sent', async () => {
    const txId = 'tx-stuck';
    const { fetch, calls } = fakeFetch({
      [`POST ${API_ROUTES.transactionDecision(txId)}`]: [
        200,
        { transaction: tx({ txId, state: 'ROLLED_BACK', reason: 'operator' }), delivery: 'done' },
      ],
    });
    const ctx = context({ fetch });
    const state = stuckState();
    const view = () => transactionView(detail({ txId, state: 'PREPARED', stuck: true }, { check: true, decide: true }), state, ctx);
    byTest(view(), 'decision-form')[0]?.on.submit?.({ decision: 'rollback', reason: ' no ' });
    expect(state.invalid).toBe(true);
    expect(textOf(view())).toContain('请选择提交或回滚');
    byTest(view(), 'decision-form')[0]?.on.submit?.({ reason: 'customer cancelled by phone' });
    expect(state.invalid).toBe(true);
    expect(calls).toEqual([]);
    byTest(view(), 'decision-form')[0]?.on.submit?.({ decision: 'rollback', reason: '  customer cancelled by phone ' });
    await settle();
    expect(calls).toEqual([
      {
        method: 'POST',
        url: API_ROUTES.transactionDecision(txId),
        headers: expect.objectContaining({ 'x-csrf-token': 'csrf-1' }),
        body: { decision: 'rollback', reason: 'customer cancelled by phone' },
      },
    ]);
    expect(textOf(byTest(view(), 'decision-result')[0])).toContain('已回滚');
  });

  it('replay previews first, then executes exactly the previewed letters, showing each report', async () => {
    const { fetch, calls } = fakeFetch({
      [`POST ${API_ROUTES.deadLetterReplay}`]: (body) => [
        200,
        report((body as { dryRun: boolean }).dryRun, (body as { filter: { ids: string[] } }).filter.ids),
      ],
    });
    const ctx = context({ fetch, lang: 'en' });
    const state = { selected: new Set<string>(), replay: newReplayState() };
    const list = { items: [deadLetter(), deadLetter({ id: 'dl-2' })], nextCursor: null };
    const view = () => deadLettersView(list, {}, state, ctx);
    expect(byTest(view(), 'replay-preview-selected')[0]?.attrs.disabled).toBe(true);
    byTest(view(), 'dl-select')[0]?.on.change?.('dl-1');
    byTest(view(), 'replay-preview-selected')[0]?.on.click?.();
    await settle();
    expect(calls.map((c) => c.body)).toEqual([{ filter: { ids: ['dl-1'] }, dryRun: true }]);
    expect(textOf(byTest(view(), 'replay-preview')[0])).toContain('1 matched; 1 would be replayed.');
    // Changing the selection after the preview does not change what executes.
    byTest(view(), 'dl-select')[1]?.on.change?.('dl-2');
    byTest(view(), 'replay-execute')[0]?.on.click?.();
    await settle();
    expect(calls.map((c) => c.body)).toEqual([
      { filter: { ids: ['dl-1'] }, dryRun: true },
      { filter: { ids: ['dl-1'] }, dryRun: false },
    ]);
    const result = byTest(view(), 'replay-result')[0];
    expect(textOf(result)).toContain('replayed 1');
    expect(textOf(result)).toContain('new-dl-1');
    expect(byTest(view(), 'replay-preview')).toEqual([]);
  });

  it('a refused replay shows why, in the UI language', async () => {
    const { fetch } = fakeFetch({
      [`POST ${API_ROUTES.deadLetterReplay}`]: [403, { error: { code: 'FORBIDDEN', message: 'the viewer role may not replay' } }],
    });
    const ctx = context({ fetch });
    const replay = newReplayState();
    byTest(deadLetterView(deadLetterDetail(), replay, ctx), 'replay-preview-one')[0]?.on.click?.();
    await settle();
    const shown = findAll(deadLetterView(deadLetterDetail(), replay, ctx), (e) => e.attrs['data-code'] === 'FORBIDDEN');
    expect(shown).toHaveLength(1);
    expect(textOf(shown[0])).toContain('没有权限');
    expect(textOf(shown[0])).toContain('the viewer role may not replay');
  });

  it('refusals read as a titled message for each status', () => {
    const t = translator('en');
    expect(textOf(refusal(new ApiError(404, 'TX_NOT_FOUND', 'no tx'), t))).toContain('Not found');
    expect(textOf(refusal(new ApiError(400, 'VALIDATION_FAILED', 'businessKey: bad'), t))).toContain('Invalid request');
    expect(textOf(refusal(new ApiError(0, 'NETWORK_FAILED', 'down'), t))).toContain('cannot be reached');
  });
});
