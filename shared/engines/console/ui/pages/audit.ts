import type { AuditEntry, Page } from '../../api';
import { AUDIT_ACTIONS, UI_ROUTES } from '../../contract';
import type { Query } from '../apiClient';
import { withQuery } from '../apiClient';
import { badge, filterForm, jsonCell, mono, pageHeader, pager, table, time } from '../components';
import type { PageDef, UiContext } from '../context';
import { h } from '../view';
import type { VNode } from '../view';

export const auditPage: PageDef = {
  nav: 'audit',
  async open(ctx, route) {
    const page = await ctx.api.audit(route.query);
    return (current) => auditView(page, route.query, current);
  },
};

export function auditView(page: Page<AuditEntry>, query: Query, ctx: UiContext): VNode {
  const { t } = ctx;
  const route = (q: Record<string, string>) => withQuery(UI_ROUTES.audit, q);
  return h(
    'div',
    null,
    pageHeader(t('audit.title'), h('p', { class: 'muted' }, t('audit.explain'))),
    filterForm(
      ctx,
      [
        { name: 'actor', label: t('audit.actor'), kind: 'text', maxLength: 64 },
        {
          name: 'action',
          label: t('audit.action'),
          kind: 'select',
          options: [['', t('common.any')], ...AUDIT_ACTIONS.map((action) => [action, t(`audit.action.${action}`)] as const)],
        },
      ],
      query,
      route,
      'audit-filter',
    ),
    table(
      [
        t('common.at'),
        t('audit.actor'),
        t('audit.role'),
        t('audit.action'),
        t('audit.target'),
        t('audit.result'),
        t('audit.sourceIp'),
        t('common.detail'),
      ],
      page.items.map((a) => [
        time(a.at),
        a.actor,
        a.role ? t(`role.${a.role}`) : '',
        t(`audit.action.${a.action}`),
        mono(a.target),
        badge(a.result, t(`audit.result.${a.result}`)),
        a.sourceIp ?? '',
        jsonCell(a.detail),
      ]),
      t('audit.none'),
      'audit-log',
    ),
    pager(ctx, route, query, page.nextCursor),
  );
}
