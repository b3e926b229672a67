/** Reconcile reports and alert incidents: lists and details. */
import type { IncidentView, Page, ReconcileRunDetail, ReconcileRunSummary } from '../../api';
import { UI_ROUTES } from '../../contract';
import type { Query } from '../apiClient';
import { withQuery } from '../apiClient';
import { badge, fields, jsonBlock, mono, pageHeader, pager, section, table, time, yesNo } from '../components';
import type { PageDef, UiContext } from '../context';
import { h } from '../view';
import type { VNode } from '../view';

export const reconcileRunsPage: PageDef = {
  nav: 'reconcileRuns',
  async open(ctx, route) {
    const page = await ctx.api.reconcileRuns(route.query);
    return (current) => reconcileRunsView(page, route.query, current);
  },
};

export const reconcileRunPage: PageDef = {
  nav: 'reconcileRuns',
  async open(ctx, route) {
    const run = await ctx.api.reconcileRun(route.param);
    return (current) => reconcileRunView(run, current);
  },
};

export const incidentsPage: PageDef = {
  nav: 'incidents',
  async open(ctx, route) {
    const page = await ctx.api.incidents(route.query);
    return (current) => incidentsView(page, route.query, current);
  },
};

export const incidentPage: PageDef = {
  nav: 'incidents',
  async open(ctx, route) {
    const incident = await ctx.api.incident(route.param);
    return (current) => incidentView(incident, current);
  },
};

const verdict = (clean: boolean, ctx: UiContext) => badge(clean ? 'clean' : 'dirty', ctx.t(clean ? 'reconcile.clean' : 'reconcile.dirty'));

export function reconcileRunsView(page: Page<ReconcileRunSummary>, query: Query, ctx: UiContext): VNode {
  const { t } = ctx;
  return h(
    'div',
    null,
    pageHeader(t('reconcile.title')),
    table(
      [
        t('reconcile.finishedAt'),
        t('reconcile.runId'),
        t('reconcile.verdict'),
        t('reconcile.stuckPrepared'),
        t('reconcile.missingConsumption'),
        t('reconcile.deadLetters'),
        t('reconcile.truncated'),
      ],
      page.items.map((r) => [
        time(r.finishedAt),
        h('a', { href: UI_ROUTES.reconcileRun(r.runId) }, mono(r.runId)),
        verdict(r.clean, ctx),
        String(r.stuckPrepared),
        String(r.missingConsumption),
        String(r.deadLetters),
        yesNo(r.truncated, t),
      ]),
      t('reconcile.none'),
      'reconcile-runs',
    ),
    pager(ctx, (q) => withQuery(UI_ROUTES.reconcileRuns, q), query, page.nextCursor),
  );
}

export function reconcileRunView(r: ReconcileRunDetail, ctx: UiContext): VNode {
  const { t } = ctx;
  return h(
    'div',
    null,
    pageHeader(t('reconcile.detailTitle'), h('p', null, mono(r.runId), ' ', verdict(r.clean, ctx))),
    section(
      t('tx.summary'),
      fields([
        [t('reconcile.finishedAt'), time(r.finishedAt)],
        [t('reconcile.stuckPrepared'), String(r.stuckPrepared)],
        [t('reconcile.missingConsumption'), String(r.missingConsumption)],
        [t('reconcile.deadLetters'), String(r.deadLetters)],
        [t('reconcile.truncated'), yesNo(r.truncated, t)],
      ]),
    ),
    section(t('reconcile.report'), jsonBlock(r.report)),
  );
}

export function incidentsView(page: Page<IncidentView>, query: Query, ctx: UiContext): VNode {
  const { t } = ctx;
  const route = (q: Record<string, string>) => withQuery(UI_ROUTES.incidents, q);
  return h(
    'div',
    null,
    pageHeader(
      t('incident.title'),
      h(
        'nav',
        { class: 'windows' },
        h('a', { href: route({}), class: query.open ? 'button' : 'button selected' }, t('incident.all')),
        h('a', { href: route({ open: 'true' }), class: query.open ? 'button selected' : 'button' }, t('incident.onlyOpen')),
      ),
    ),
    table(
      [
        t('incident.key'),
        t('incident.kind'),
        t('incident.windowStarted'),
        t('incident.lastSeen'),
        t('incident.occurrences'),
        t('incident.sentAt'),
        t('incident.open'),
      ],
      page.items.map((i) => [
        h('a', { href: UI_ROUTES.incident(i.incidentKey) }, i.incidentKey),
        i.kind,
        time(i.windowStartedAt),
        time(i.lastSeenAt),
        String(i.occurrences),
        time(i.sentAt),
        openBadge(i.open, ctx),
      ]),
      t('incident.none'),
      'incidents',
    ),
    pager(ctx, route, query, page.nextCursor),
  );
}

function openBadge(open: boolean, ctx: UiContext): VNode {
  return open ? badge('open', ctx.t('incident.openYes')) : badge('closed', ctx.t('incident.openNo'));
}

export function incidentView(i: IncidentView, ctx: UiContext): VNode {
  const { t } = ctx;
  return h(
    'div',
    null,
    pageHeader(t('incident.detailTitle'), h('p', null, mono(i.incidentKey), ' ', openBadge(i.open, ctx))),
    section(
      t('tx.summary'),
      fields([
        [t('incident.kind'), i.kind],
        [t('incident.windowStarted'), time(i.windowStartedAt)],
        [t('incident.lastSeen'), time(i.lastSeenAt)],
        [t('incident.occurrences'), String(i.occurrences)],
        [t('incident.sentAt'), time(i.sentAt)],
      ]),
    ),
  );
}
