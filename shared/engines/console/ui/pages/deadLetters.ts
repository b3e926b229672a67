import type { DeadLetterSummary, Page } from '../../api';
import { DEAD_LETTER_STATUS_NAMES, MAX_REPLAY_IDS, UI_ROUTES } from '../../contract';
import type { Query, ReplayRequest } from '../apiClient';
import { withQuery } from '../apiClient';
import type { FilterField } from '../components';
import { badge, filterForm, mono, pageHeader, pager, section, table, time } from '../components';
import type { PageDef, UiContext } from '../context';
import type { ReplayState } from '../replayPanel';
import { newReplayState, previewReplay, replayPanel } from '../replayPanel';
import { h } from '../view';
import type { VNode } from '../view';

export interface DeadLettersState {
  readonly selected: Set<string>;
  readonly replay: ReplayState;
}

export const deadLettersPage: PageDef = {
  nav: 'deadLetters',
  async open(ctx, route) {
    const page = await ctx.api.deadLetters(route.query);
    const state: DeadLettersState = { selected: new Set(), replay: newReplayState() };
    return (current) => deadLettersView(page, route.query, state, current);
  },
};

const listRoute = (query: Record<string, string>) => withQuery(UI_ROUTES.deadLetters, query);

/** The part of the list's filter a replay can use (the replay filter has no status). */
export function replayFilterOf(query: Query): ReplayRequest['filter'] | null {
  const filter = { group: query.group, tag: query.tag, from: query.from, to: query.to };
  const named = Object.fromEntries(Object.entries(filter).filter(([, value]) => value));
  return Object.keys(named).length > 0 ? named : null;
}

export function deadLettersView(page: Page<DeadLetterSummary>, query: Query, state: DeadLettersState, ctx: UiContext): VNode {
  const { t } = ctx;
  const filterFields: FilterField[] = [
    { name: 'group', label: t('dl.group'), kind: 'text', maxLength: 64 },
    { name: 'tag', label: t('dl.tag'), kind: 'text', maxLength: 64 },
    {
      name: 'status',
      label: t('dl.status'),
      kind: 'select',
      options: [['', t('common.any')], ...DEAD_LETTER_STATUS_NAMES.map((status) => [status, t(`dlStatus.${status}`)] as const)],
    },
    { name: 'from', label: t('common.from'), kind: 'time' },
    { name: 'to', label: t('common.to'), kind: 'time' },
  ];
  const byFilter = replayFilterOf(query);
  const ids = [...state.selected].slice(0, MAX_REPLAY_IDS);
  return h(
    'div',
    null,
    pageHeader(t('dl.title')),
    filterForm(ctx, filterFields, query, listRoute, 'dl-filter'),
    deadLetterTable(page.items, ctx, ctx.canAct ? state.selected : null),
    pager(ctx, listRoute, query, page.nextCursor),
    ctx.canAct
      ? section(
          t('replay.title'),
          h('p', { class: 'muted' }, t('replay.explain')),
          h(
            'div',
            { class: 'action-row' },
            h(
              'button',
              {
                type: 'button',
                class: 'primary',
                disabled: ids.length === 0 || state.replay.busy,
                'data-test': 'replay-preview-selected',
                on: { click: () => void previewReplay(ctx, state.replay, { ids }) },
              },
              t('replay.previewSelected', { n: ids.length }),
            ),
            h(
              'button',
              {
                type: 'button',
                disabled: !byFilter || state.replay.busy,
                'data-test': 'replay-preview-filter',
                on: { click: () => byFilter && void previewReplay(ctx, state.replay, byFilter) },
              },
              t('replay.previewFilter'),
            ),
          ),
          replayPanel(state.replay, ctx),
        )
      : h('p', { class: 'muted', 'data-test': 'viewer-note' }, t('role.viewerNoActions')),
  );
}

/** Dead letters as rows; with `selected`, a checkbox per row picks letters to replay. */
export function deadLetterTable(items: readonly DeadLetterSummary[], ctx: UiContext, selected: Set<string> | null): VNode {
  const { t } = ctx;
  const toggle = (id: string) => (value: string) => {
    if (!selected) return;
    if (value) selected.add(id);
    else selected.delete(id);
    ctx.rerender();
  };
  return table(
    [
      ...(selected ? [''] : []),
      t('dl.deadLetteredAt'),
      t('dl.id'),
      t('dl.group'),
      t('dl.topicTag'),
      t('dl.key'),
      t('dl.error'),
      t('consumption.attempts'),
      t('dl.status'),
    ],
    items.map((d) => [
      ...(selected
        ? [
            h('input', {
              type: 'checkbox',
              value: d.id,
              checked: selected.has(d.id),
              'aria-label': d.id,
              'data-test': 'dl-select',
              on: { change: toggle(d.id) },
            }),
          ]
        : []),
      time(d.deadLetteredAt),
      h('a', { href: UI_ROUTES.deadLetter(d.id) }, mono(d.id)),
      h('a', { href: UI_ROUTES.subscriber(d.group) }, d.group),
      `${d.topic} / ${d.tag ?? '*'}`,
      d.messageKey ?? '',
      [mono(d.errorCode), ' ', h('span', { class: 'error-text' }, d.errorMessage)],
      String(d.attempts),
      badge(d.status, t(`dlStatus.${d.status}`)),
    ]),
    t('dl.none'),
    'dl-list',
  );
}
