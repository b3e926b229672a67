import type { Page, TxSummary } from '../../api';
import { TX_STATE_NAMES, UI_ROUTES } from '../../contract';
import type { Query } from '../apiClient';
import type { FilterField } from '../components';
import { filterForm, pageHeader, pager, table, txCells, txHeaders } from '../components';
import type { PageDef, UiContext } from '../context';
import type { Translate } from '../i18n';
import { h } from '../view';
import type { VNode } from '../view';

/** The search's fields (the API's {@link TransactionSearch} minus paging and `stuck`). */
export function transactionFilters(t: Translate): FilterField[] {
  return [
    { name: 'businessKey', label: t('tx.businessKey'), kind: 'text', placeholder: 'p-20261127-0001', maxLength: 128 },
    { name: 'txId', label: t('tx.txId'), kind: 'text', maxLength: 64 },
    { name: 'system', label: t('tx.system'), kind: 'text', maxLength: 64 },
    { name: 'topic', label: t('tx.topic'), kind: 'text', maxLength: 64 },
    { name: 'tag', label: t('tx.tag'), kind: 'text', maxLength: 64 },
    {
      name: 'state',
      label: t('tx.state'),
      kind: 'select',
      options: [['', t('common.any')], ...TX_STATE_NAMES.map((state) => [state, t(`state.${state}`)] as const)],
    },
    { name: 'from', label: t('common.from'), kind: 'time' },
    { name: 'to', label: t('common.to'), kind: 'time' },
  ];
}

export const transactionsPage: PageDef = {
  nav: 'transactions',
  async open(ctx, route) {
    const page = await ctx.api.transactions(route.query);
    return (current) => transactionsView(page, route.query, current);
  },
};

export function transactionsView(page: Page<TxSummary>, query: Query, ctx: UiContext): VNode {
  const { t } = ctx;
  return h(
    'div',
    null,
    pageHeader(t('transactions.title')),
    filterForm(ctx, transactionFilters(t), query, UI_ROUTES.transactions, 'tx-search'),
    table(
      txHeaders(t),
      page.items.map((tx) => txCells(tx, t)),
      t('transactions.none'),
      'tx-results',
    ),
    pager(ctx, UI_ROUTES.transactions, query, page.nextCursor),
  );
}
