import type { CheckNowResult, Page, TxSummary } from '../../api';
import { UI_ROUTES } from '../../contract';
import type { Query } from '../apiClient';
import { withQuery } from '../apiClient';
import { badge, pageHeader, pager, refusal, table, txCells, txHeaders } from '../components';
import type { PageDef, UiContext } from '../context';
import { h } from '../view';
import type { VNode } from '../view';

/** Per transaction: a check-now in flight, its answer, or why it was refused. */
export type CheckState = Map<string, { readonly busy: boolean; readonly result?: CheckNowResult; readonly error?: unknown }>;

export const stuckPage: PageDef = {
  nav: 'stuck',
  async open(ctx, route) {
    const page = await ctx.api.transactions({ ...route.query, stuck: 'true' });
    const checks: CheckState = new Map();
    return (current) => stuckView(page, route.query, checks, current);
  },
};

const stuckRoute = (query: Record<string, string>) => withQuery(UI_ROUTES.stuck, query);

export function stuckView(page: Page<TxSummary>, query: Query, checks: CheckState, ctx: UiContext): VNode {
  const { t } = ctx;
  const checkNow = async (txId: string) => {
    checks.set(txId, { busy: true });
    ctx.rerender();
    try {
      checks.set(txId, { busy: false, result: await ctx.api.checkNow(txId) });
    } catch (error) {
      checks.set(txId, { busy: false, error });
    }
    ctx.rerender();
  };
  const rows = page.items.map((tx) => {
    const check = checks.get(tx.txId);
    const actions: VNode = ctx.canAct
      ? h(
          'div',
          { class: 'row-actions' },
          h(
            'button',
            { type: 'button', disabled: check?.busy ?? false, 'data-test': 'check-now', on: { click: () => void checkNow(tx.txId) } },
            t('stuck.checkNow'),
          ),
          h('a', { href: UI_ROUTES.transaction(tx.txId), class: 'button' }, t('stuck.decide')),
          check?.result
            ? h('span', { class: 'check-answer' }, t('stuck.answer'), ' ', badge(check.result.answer), ' ', check.result.detail)
            : null,
          check?.error ? refusal(check.error, t) : null,
        )
      : h('span', { class: 'muted' }, t('role.viewerNoActions'));
    return [...txCells(tx, t), String(tx.checks), actions];
  });
  return h(
    'div',
    null,
    pageHeader(t('stuck.title'), h('p', { class: 'muted' }, t('stuck.explain'))),
    table([...txHeaders(t), t('tx.checks'), t('common.actions')], rows, t('stuck.none'), 'stuck-list'),
    pager(ctx, stuckRoute, query, page.nextCursor),
  );
}
