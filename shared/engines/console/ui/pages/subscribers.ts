import type { SubscriberDetail, SubscriberSummary } from '../../api';
import { UI_ROUTES, WINDOWS } from '../../contract';
import type { Query } from '../apiClient';
import { withQuery } from '../apiClient';
import { age, fields, mono, pageHeader, section, table, time, txCells, txHeaders } from '../components';
import type { PageDef, UiContext } from '../context';
import { deadLetterTable } from './deadLetters';
import { h } from '../view';
import type { VNode } from '../view';

export const subscribersPage: PageDef = {
  nav: 'subscribers',
  async open(ctx, route) {
    const { items } = await ctx.api.subscribers({ window: route.query.window });
    return (current) => subscribersView(items, route.query, current);
  },
};

export const subscriberPage: PageDef = {
  nav: 'subscribers',
  async open(ctx, route) {
    const detail = await ctx.api.subscriber(route.param, { window: route.query.window });
    return (current) => subscriberView(detail, current);
  },
};

/** Picks the window of the figures (1h/24h/7d); the choice travels in the route. */
function windowPicker(ctx: UiContext, current: string, route: (query: Record<string, string>) => string): VNode {
  return h(
    'nav',
    { class: 'windows' },
    h('span', null, ctx.t('sub.window')),
    Object.keys(WINDOWS).map((window) =>
      h('a', { href: route({ window }), class: window === current ? 'button selected' : 'button' }, window),
    ),
  );
}

export function subscribersView(items: readonly SubscriberSummary[], query: Query, ctx: UiContext): VNode {
  const { t } = ctx;
  const window = items[0]?.window ?? query.window ?? '24h';
  return h(
    'div',
    null,
    pageHeader(
      t('sub.title'),
      windowPicker(ctx, window, (q) => withQuery(UI_ROUTES.subscribers, q)),
    ),
    table(
      [
        t('sub.group'),
        t('sub.topic'),
        t('sub.tagExpression'),
        t('sub.functions'),
        t('sub.consumed'),
        t('sub.lastConsumed'),
        t('sub.backlog'),
        t('sub.conflicts'),
        t('sub.deadLetters'),
        t('sub.sla'),
      ],
      items.map((s) => [
        h('a', { href: withQuery(UI_ROUTES.subscriber(s.group), { window }) }, s.group),
        s.topic,
        mono(s.tagExpression),
        s.functions.join(', '),
        String(s.consumed),
        time(s.lastConsumedAt),
        h('span', { class: s.backlog > 0 ? 'alert-text' : null }, String(s.backlog)),
        String(s.conflicts),
        `${s.deadLetters.pending} / ${s.deadLetters.total}`,
        age(s.slaSeconds, t),
      ]),
      t('sub.none'),
      'subscribers',
    ),
  );
}

export function subscriberView(s: SubscriberDetail, ctx: UiContext): VNode {
  const { t } = ctx;
  const histogram = Object.entries(s.attemptsHistogram);
  const most = Math.max(1, ...histogram.map(([, n]) => n));
  return h(
    'div',
    null,
    pageHeader(
      t('sub.detailTitle'),
      h('p', null, mono(s.group)),
      windowPicker(ctx, s.window, (q) => withQuery(UI_ROUTES.subscriber(s.group), q)),
    ),
    section(
      t('tx.summary'),
      fields([
        [t('sub.description'), s.description],
        [t('sub.topic'), s.topic],
        [t('sub.tagExpression'), mono(s.tagExpression)],
        [t('sub.functions'), s.functions.join(', ')],
        [t('sub.maxAttempts'), String(s.maxAttempts)],
        [t('sub.sla'), age(s.slaSeconds, t)],
        [t('sub.consumed'), String(s.consumed)],
        [t('sub.lastConsumed'), time(s.lastConsumedAt)],
        [t('sub.backlog'), String(s.backlog)],
        [t('sub.conflicts'), String(s.conflicts)],
        [t('sub.deadLetters'), `${s.deadLetters.pending} / ${s.deadLetters.total}`],
      ]),
    ),
    section(
      t('sub.histogram'),
      table(
        [t('consumption.attempts'), t('common.count'), ''],
        histogram.map(([attempts, n]) => [attempts, String(n), h('progress', { value: n, max: most })]),
        t('common.none'),
        'histogram',
      ),
    ),
    section(
      t('sub.overdue'),
      table(
        txHeaders(t),
        s.overdue.map((tx) => txCells(tx, t)),
        t('overview.noBacklog'),
      ),
    ),
    section(t('sub.recentDeadLetters'), deadLetterTable(s.recentDeadLetters, ctx, null)),
    section(
      t('sub.recentConflicts'),
      table(
        [t('tx.dedupKey'), t('tx.messageId'), t('common.at')],
        s.recentConflicts.map((c) => [mono(c.dedupKey), mono(c.messageId), time(c.detectedAt)]),
        t('tx.noConflicts'),
      ),
    ),
  );
}
