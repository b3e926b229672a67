import type { DeadLetterDetail } from '../../api';
import { UI_ROUTES } from '../../contract';
import { badge, fields, jsonBlock, mono, pageHeader, section, table, time } from '../components';
import type { PageDef, UiContext } from '../context';
import type { ReplayState } from '../replayPanel';
import { newReplayState, previewReplay, replayPanel } from '../replayPanel';
import { h } from '../view';
import type { VNode } from '../view';

export const deadLetterPage: PageDef = {
  nav: 'deadLetters',
  async open(ctx, route) {
    const letter = await ctx.api.deadLetter(route.param);
    const replay = newReplayState();
    return (current) => deadLetterView(letter, replay, current);
  },
};

export function deadLetterView(d: DeadLetterDetail, replay: ReplayState, ctx: UiContext): VNode {
  const { t } = ctx;
  return h(
    'div',
    null,
    pageHeader(t('dl.detailTitle'), h('p', null, mono(d.id), ' ', badge(d.status, t(`dlStatus.${d.status}`)))),
    section(
      t('tx.summary'),
      fields([
        [t('dl.group'), h('a', { href: UI_ROUTES.subscriber(d.group) }, d.group)],
        [t('dl.topicTag'), `${d.topic} / ${d.tag ?? '*'}`],
        [t('dl.key'), d.messageKey ? h('a', { href: UI_ROUTES.trace(d.messageKey) }, d.messageKey) : ''],
        [t('tx.messageId'), mono(d.messageId)],
        [t('dl.error'), [mono(d.errorCode), ' ', d.errorMessage]],
        [t('dl.errorKind'), d.errorKind],
        [t('consumption.attempts'), String(d.attempts)],
        [t('dl.deadLetteredAt'), time(d.deadLetteredAt)],
        [t('dl.replayOf'), d.replayOf ? h('a', { href: UI_ROUTES.deadLetter(d.replayOf) }, mono(d.replayOf)) : ''],
        [t('dl.replayedAt'), time(d.replayedAt)],
        [t('replay.newMessageId'), mono(d.replayMessageId)],
        [
          t('dl.replayable'),
          d.replayable.ok
            ? badge('yes', t('common.yes'))
            : [badge('no', t('common.no')), ' ', mono(d.replayable.code), ' ', d.replayable.reason ?? ''],
        ],
      ]),
    ),
    ctx.canAct
      ? section(
          t('replay.title'),
          h(
            'button',
            {
              type: 'button',
              class: 'primary',
              disabled: replay.busy,
              'data-test': 'replay-preview-one',
              on: { click: () => void previewReplay(ctx, replay, { ids: [d.id] }) },
            },
            t('replay.previewOne'),
          ),
          replayPanel(replay, ctx),
        )
      : h('p', { class: 'muted', 'data-test': 'viewer-note' }, t('role.viewerNoActions')),
    section(t('dl.body'), jsonBlock(d.body)),
    section(
      t('tx.properties'),
      table(
        [t('common.name'), t('common.value')],
        Object.entries(d.properties).map(([key, value]) => [mono(key), value]),
        t('common.none'),
      ),
    ),
    section(
      t('dl.history'),
      table(
        ['#', t('common.at'), t('dl.error'), t('common.detail')],
        d.history.map((entry) => [
          String(entry.attempt),
          time(entry.startedAt),
          mono(entry.errorCode),
          entry.errorMessage ?? entry.outcome,
        ]),
        t('common.none'),
        'dl-history',
      ),
    ),
    section(
      t('dl.consumption'),
      d.consumption
        ? fields([
            [t('consumption.status'), badge(d.consumption.status, t.dynamic(`consumption.${d.consumption.status}`, d.consumption.status))],
            [t('consumption.attempts'), String(d.consumption.attempts)],
            [t('consumption.firstAt'), time(d.consumption.firstAt)],
            [t('consumption.completedAt'), time(d.consumption.completedAt)],
            [t('tx.txId'), d.consumption.txId ? h('a', { href: UI_ROUTES.transaction(d.consumption.txId) }, mono(d.consumption.txId)) : ''],
          ])
        : h('p', { class: 'muted' }, t('common.none')),
    ),
  );
}
