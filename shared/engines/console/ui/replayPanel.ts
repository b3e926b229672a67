/**
 * @module console/ui/replayPanel — dead-letter replay in two explicit steps: a dry-run preview of
 * exactly what would be published, then an execute of that same filter, each with its per-message
 * report. Executing what was previewed (not whatever is selected by then) is the point of the preview.
 */
import type { ReplayReport } from '../api';
import { UI_ROUTES } from '../contract';
import type { ReplayRequest } from './apiClient';
import { badge, mono, refusal, table } from './components';
import type { UiContext } from './context';
import { h } from './view';
import type { VNode } from './view';

export interface ReplayState {
  busy: boolean;
  /** The filter of the last preview: what "execute" sends. */
  previewed?: ReplayRequest['filter'];
  preview?: ReplayReport;
  executed?: ReplayReport;
  error?: unknown;
}

export function newReplayState(): ReplayState {
  return { busy: false };
}

/** Starts a preview (dry run) of `filter`; the panel shows its report and offers execute. */
export async function previewReplay(ctx: UiContext, state: ReplayState, filter: ReplayRequest['filter']): Promise<void> {
  await step(ctx, state, async () => {
    state.executed = undefined;
    state.preview = await ctx.api.replay({ filter, dryRun: true });
    state.previewed = filter;
  });
}

async function executeReplay(ctx: UiContext, state: ReplayState): Promise<void> {
  const filter = state.previewed;
  if (!filter) return;
  await step(ctx, state, async () => {
    state.executed = await ctx.api.replay({ filter, dryRun: false });
    state.preview = undefined;
    state.previewed = undefined;
  });
}

async function step(ctx: UiContext, state: ReplayState, action: () => Promise<void>): Promise<void> {
  state.busy = true;
  state.error = undefined;
  ctx.rerender();
  try {
    await action();
  } catch (error) {
    state.error = error;
  }
  state.busy = false;
  ctx.rerender();
}

export function replayPanel(state: ReplayState, ctx: UiContext): VNode {
  const { t } = ctx;
  const cancel = () => {
    state.preview = undefined;
    state.previewed = undefined;
    ctx.rerender();
  };
  return h(
    'div',
    { class: 'replay-panel', 'data-test': 'replay-panel' },
    state.preview
      ? h(
          'div',
          { class: 'replay-preview', 'data-test': 'replay-preview' },
          h('h3', null, t('replay.previewTitle')),
          h('p', null, t('replay.previewExplain', { matched: state.preview.matched, would: state.preview.counts['would-replay'] })),
          report(state.preview, ctx),
          h(
            'div',
            { class: 'action-row' },
            h(
              'button',
              {
                type: 'button',
                class: 'danger',
                disabled: state.busy || state.preview.counts['would-replay'] === 0,
                'data-test': 'replay-execute',
                on: { click: () => void executeReplay(ctx, state) },
              },
              t('replay.execute', { n: state.preview.counts['would-replay'] }),
            ),
            h('button', { type: 'button', disabled: state.busy, on: { click: cancel } }, t('common.cancel')),
          ),
        )
      : null,
    state.executed
      ? h(
          'div',
          { class: 'replay-result', 'data-test': 'replay-result' },
          h('h3', null, t('replay.resultTitle')),
          report(state.executed, ctx),
          h('p', null, h('a', { href: UI_ROUTES.audit }, t('replay.seeAudit'))),
        )
      : null,
    state.busy ? h('p', { class: 'muted' }, t('common.working')) : null,
    state.error ? refusal(state.error, t) : null,
  );
}

function report(r: ReplayReport, ctx: UiContext): VNode {
  const { t } = ctx;
  return h(
    'div',
    null,
    h(
      'p',
      { class: 'counts' },
      (Object.entries(r.counts) as [keyof ReplayReport['counts'], number][])
        .filter(([, n]) => n > 0)
        .map(([kind, n]) => [badge(kind, `${t(`replay.${kind}`)} ${n}`), ' ']),
    ),
    table(
      [t('dl.id'), t('dl.group'), t('dl.topicTag'), t('dl.key'), t('replay.result'), t('replay.reason'), t('replay.newMessageId')],
      r.results.map((row) => [
        h('a', { href: UI_ROUTES.deadLetter(row.id) }, mono(row.id)),
        row.group,
        `${row.topic} / ${row.tag ?? '*'}`,
        row.key ?? '',
        badge(row.result, t(`replay.${row.result}`)),
        [row.code ? mono(row.code) : null, ' ', row.reason ?? ''],
        mono(row.messageId),
      ]),
      t('replay.nothingMatched'),
      'replay-report',
    ),
  );
}
