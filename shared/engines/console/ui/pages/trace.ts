import type { Trace } from '../../api';
import { UI_ROUTES } from '../../contract';
import { badge, mono, pageHeader, section, table, time, txCells } from '../components';
import type { PageDef, UiContext } from '../context';
import { deadLetterTable } from './deadLetters';
import { h } from '../view';
import type { VNode } from '../view';

export const tracePage: PageDef = {
  nav: 'transactions',
  async open(ctx, route) {
    const trace = await ctx.api.trace(route.param);
    return (current) => traceView(trace, current);
  },
};

export function traceView(trace: Trace, ctx: UiContext): VNode {
  const { t } = ctx;
  /** A transaction's expected groups with what each did with it (or that it did nothing yet). */
  const groupsOf = (txId: string, expected: readonly string[]): VNode =>
    h(
      'ul',
      { class: 'chips', 'data-test': 'trace-groups' },
      expected.map((group) => {
        const consumption = trace.consumptions.find((c) => c.txId === txId && c.group === group);
        const status = consumption?.status ?? 'absent';
        return h(
          'li',
          { 'data-group': group, 'data-status': status },
          h('a', { href: UI_ROUTES.subscriber(group) }, group),
          ' ',
          badge(status, t.dynamic(`consumption.${status}`, status)),
        );
      }),
    );
  return h(
    'div',
    { class: 'trace' },
    pageHeader(t('trace.title'), h('p', null, h('code', { class: 'business-key', 'data-test': 'trace-key' }, trace.businessKey))),
    trace.truncated ? h('p', { class: 'warning', role: 'status' }, t('trace.truncated')) : null,
    section(
      t('trace.transactions'),
      table(
        [t('tx.createdAt'), t('tx.txId'), t('tx.system'), t('tx.topicTag'), t('tx.state'), t('tx.expectedGroups')],
        trace.transactions.map((tx) => {
          // The business key is the page's subject, and delivery shows on the transaction's page: room for the groups.
          const [created, id, , system, topicTag, state] = txCells(tx, t);
          return [created, id, system, topicTag, state, groupsOf(tx.txId, tx.expectedGroups)];
        }),
        t('trace.noTransactions'),
        'trace-transactions',
      ),
    ),
    section(
      t('trace.events'),
      table(
        [t('common.at'), t('trace.kind'), t('tx.txId'), t('sub.group'), t('tx.event'), t('common.detail')],
        trace.events.map((e) => [
          time(e.at),
          badge(e.kind, t(`trace.kind.${e.kind}`)),
          e.txId ? h('a', { href: UI_ROUTES.transaction(e.txId) }, mono(e.txId)) : '',
          e.group ? h('a', { href: UI_ROUTES.subscriber(e.group) }, e.group) : '',
          e.type,
          e.text,
        ]),
        t('common.none'),
        'trace-events',
      ),
    ),
    section(
      t('trace.consumptions'),
      table(
        [
          t('sub.group'),
          t('tx.txId'),
          t('dl.tag'),
          t('consumption.status'),
          t('consumption.attempts'),
          t('consumption.firstAt'),
          t('consumption.completedAt'),
          t('consumption.summary'),
        ],
        trace.consumptions.map((c) => [
          h('a', { href: UI_ROUTES.subscriber(c.group) }, c.group),
          c.txId ? h('a', { href: UI_ROUTES.transaction(c.txId) }, mono(c.txId)) : '',
          c.tag ?? '',
          badge(c.status, t.dynamic(`consumption.${c.status}`, c.status)),
          String(c.attempts),
          time(c.firstAt),
          time(c.completedAt),
          c.summary ?? '',
        ]),
        t('common.none'),
      ),
    ),
    section(
      t('trace.archive'),
      table(
        [t('trace.archivedAt'), t('sub.group'), t('dl.topicTag'), t('trace.eventId'), t('trace.source'), t('trace.publishedAt')],
        trace.archive.map((a) => [
          time(a.archivedAt),
          a.group,
          `${a.topic} / ${a.tag ?? '*'}`,
          mono(a.eventId),
          a.source,
          time(a.publishedAt),
        ]),
        t('common.none'),
      ),
    ),
    section(t('tx.deadLetters'), deadLetterTable(trace.deadLetters, ctx, null)),
  );
}
