import type { Overview } from '../../api';
import { TX_STATE_NAMES, UI_ROUTES } from '../../contract';
import { age, badge, pageHeader, section, table, time, txCells, txHeaders } from '../components';
import type { PageDef, UiContext } from '../context';
import { h } from '../view';
import type { VNode } from '../view';

export const overviewPage: PageDef = {
  nav: 'overview',
  async open(ctx) {
    const overview = await ctx.api.overview();
    return (current) => overviewView(overview, current);
  },
};

export function overviewView(o: Overview, ctx: UiContext): VNode {
  const { t } = ctx;
  const entries = (record: Readonly<Record<string, number>>): VNode[][] =>
    Object.entries(record).map(([key, count]) => [key, String(count)]);
  return h(
    'div',
    { class: 'overview' },
    pageHeader(t('overview.title'), h('p', { class: 'muted' }, t('overview.generatedAt'), ' ', time(o.generatedAt))),
    h(
      'div',
      { class: 'cards' },
      card(
        t('overview.stuck'),
        String(o.stuck.count),
        UI_ROUTES.stuck,
        o.stuck.count > 0,
        o.stuck.oldestAgeSeconds === null ? '' : `${t('overview.oldest')} ${age(o.stuck.oldestAgeSeconds, t)}`,
      ),
      card(
        t('overview.deadLetters'),
        String(o.deadLetters.pending),
        UI_ROUTES.deadLetters,
        o.deadLetters.pending > 0,
        t('overview.pendingReplay'),
      ),
      card(
        t('overview.backlog'),
        String(o.backlog.reduce((sum, row) => sum + row.count, 0)),
        UI_ROUTES.subscribers,
        o.backlog.some((row) => row.count > 0),
        t('overview.pastSla'),
      ),
      card(t('overview.incidents'), String(o.incidents.open), UI_ROUTES.incidents, o.incidents.open > 0, t('overview.open')),
      o.lastReconcile
        ? card(
            t('overview.lastReconcile'),
            t(o.lastReconcile.clean ? 'reconcile.clean' : 'reconcile.dirty'),
            UI_ROUTES.reconcileRun(o.lastReconcile.runId),
            !o.lastReconcile.clean,
            `${age(o.lastReconcile.ageSeconds, t)} ${t('overview.ago')}`,
          )
        : card(t('overview.lastReconcile'), t('overview.never'), UI_ROUTES.reconcileRuns, false, ''),
    ),
    section(
      t('overview.transactions'),
      table(
        [t('tx.state'), t('overview.lastHour'), t('overview.lastDay')],
        TX_STATE_NAMES.map((state) => [
          badge(state, t(`state.${state}`)),
          String(o.transactions.lastHour[state] ?? 0),
          String(o.transactions.lastDay[state] ?? 0),
        ]),
        t('common.none'),
      ),
    ),
    section(
      t('overview.oldestStuck'),
      table(
        txHeaders(t),
        o.stuck.oldest.map((tx) => txCells(tx, t)),
        t('overview.noneStuck'),
      ),
    ),
    section(
      t('overview.checks'),
      h('p', null, t('overview.checksCount', { hour: o.checks.lastHour, day: o.checks.lastDay })),
      h(
        'div',
        { class: 'columns' },
        table([t('overview.answer'), t('common.count')], entries(o.checks.answers), t('common.none')),
        table([t('overview.decisionReason'), t('common.count')], entries(o.checks.decisionsByReason), t('common.none')),
      ),
    ),
    section(
      t('overview.deadLettersByGroup'),
      table(
        [t('dl.group'), t('common.count'), t('overview.oldestAt')],
        o.deadLetters.byGroup.map((row) => [
          h('a', { href: `${UI_ROUTES.deadLetters}?group=${encodeURIComponent(row.group)}` }, row.group),
          String(row.count),
          time(row.oldestAt),
        ]),
        t('overview.noDeadLetters'),
      ),
    ),
    section(
      t('overview.backlogByGroup'),
      table(
        [t('sub.group'), t('sub.topic'), t('sub.sla'), t('sub.backlog')],
        o.backlog.map((row) => [
          h('a', { href: UI_ROUTES.subscriber(row.group) }, row.group),
          row.topic,
          age(row.slaSeconds, t),
          String(row.count),
        ]),
        t('overview.noBacklog'),
      ),
    ),
    section(
      t('overview.recentIncidents'),
      table(
        [t('incident.key'), t('incident.kind'), t('incident.lastSeen'), t('incident.occurrences'), t('incident.open')],
        o.incidents.recent.map((i) => [
          h('a', { href: UI_ROUTES.incident(i.incidentKey) }, i.incidentKey),
          i.kind,
          time(i.lastSeenAt),
          String(i.occurrences),
          i.open ? badge('open', t('incident.openYes')) : badge('closed', t('incident.openNo')),
        ]),
        t('overview.noIncidents'),
      ),
    ),
  );
}

function card(title: string, value: string, href: string, alert: boolean, note: string): VNode {
  return h(
    'a',
    { class: alert ? 'card alert' : 'card', href },
    h('span', { class: 'card-title' }, title),
    h('strong', { class: 'card-value' }, value),
    h('small', null, note),
  );
}
