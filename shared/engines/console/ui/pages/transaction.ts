import type { CheckNowResult, DecisionResult, ExpectedGroup, TransactionDetail } from '../../api';
import { MAX_REASON_LENGTH, MIN_REASON_LENGTH, UI_ROUTES } from '../../contract';
import {
  age,
  badge,
  fields,
  jsonBlock,
  jsonCell,
  mono,
  pageHeader,
  refusal,
  section,
  table,
  time,
  txCells,
  txHeaders,
} from '../components';
import type { PageDef, UiContext } from '../context';
import { deadLetterTable } from './deadLetters';
import { h } from '../view';
import type { FormValues, VNode } from '../view';

/** The operator's actions on a stuck transaction and their outcome. */
export interface StuckActionState {
  busy: boolean;
  check?: CheckNowResult;
  decision?: DecisionResult;
  error?: unknown;
  /** What the operator typed, kept across redraws. */
  reason: string;
  choice: 'commit' | 'rollback' | '';
  /** The reason was refused in the browser (too short/long or no decision picked). */
  invalid: boolean;
}

export const transactionPage: PageDef = {
  nav: 'transactions',
  async open(ctx, route) {
    const detail = await ctx.api.transaction(route.param);
    const state: StuckActionState = { busy: false, reason: '', choice: '', invalid: false };
    return (current) => transactionView(detail, state, current);
  },
};

export function transactionView(d: TransactionDetail, state: StuckActionState, ctx: UiContext): VNode {
  const { t } = ctx;
  const tx = d.transaction;
  return h(
    'div',
    { class: 'tx-detail' },
    pageHeader(
      t('tx.detailTitle'),
      h('p', null, mono(tx.txId), ' ', badge(tx.state, t(`state.${tx.state}`)), tx.stuck ? [' ', badge('stuck', t('tx.stuck'))] : null),
    ),
    section(
      t('tx.summary'),
      fields([
        [t('tx.businessKey'), h('a', { href: UI_ROUTES.trace(tx.businessKey) }, tx.businessKey)],
        [t('tx.system'), tx.systemId],
        [t('tx.topicTag'), `${tx.topic} / ${tx.tag}`],
        [t('tx.state'), badge(tx.state, t(`state.${tx.state}`))],
        [t('tx.broker'), tx.broker],
        [t('tx.delivery'), t(`delivery.${tx.delivery}`)],
        [t('tx.reason'), tx.reason ?? ''],
        [t('tx.checks'), String(tx.checks)],
        [t('tx.createdAt'), time(tx.createdAt)],
        [t('tx.decidedAt'), time(tx.decidedAt)],
        [t('tx.immunityEndsAt'), time(tx.immunityEndsAt)],
        [t('tx.messageId'), mono(tx.messageId)],
        [t('tx.checkbackPath'), mono(tx.checkbackPath)],
      ]),
    ),
    tx.stuck ? stuckActions(d, state, ctx) : null,
    section(t('tx.expectedGroups'), expectedGroups(d.expectedGroups, tx.state, ctx)),
    section(
      t('tx.timeline'),
      table(
        [t('common.at'), t('tx.event'), t('tx.state'), t('tx.actor'), t('common.detail')],
        d.timeline.map((entry) => [
          time(entry.at),
          entry.type,
          badge(entry.state, t(`state.${entry.state}`)),
          entry.actor,
          jsonCell(entry.detail),
        ]),
        t('common.none'),
        'timeline',
      ),
    ),
    section(
      t('tx.request'),
      fields([
        [t('tx.topicTag'), `${d.request.topic} / ${d.request.tag}`],
        [t('tx.businessKey'), d.request.businessKey],
        [t('tx.keys'), d.request.keys.join(', ')],
      ]),
      h('h3', null, t('tx.payload')),
      jsonBlock(d.request.payload),
    ),
    section(
      t('tx.envelope'),
      jsonBlock(d.envelope),
      h('h3', null, t('tx.properties')),
      table(
        [t('common.name'), t('common.value')],
        Object.entries(d.properties).map(([key, value]) => [mono(key), value]),
        t('common.none'),
      ),
    ),
    section(t('tx.deadLetters'), deadLetterTable(d.deadLetters, ctx, null)),
    section(
      t('tx.conflicts'),
      table(
        [t('sub.group'), t('tx.dedupKey'), t('tx.messageId'), t('common.at')],
        d.conflicts.consumers.map((c) => [
          h('a', { href: UI_ROUTES.subscriber(c.group) }, c.group),
          mono(c.dedupKey),
          mono(c.messageId),
          time(c.detectedAt),
        ]),
        t('tx.noConflicts'),
      ),
      h('h3', null, t('tx.sameBusinessKey')),
      table(
        txHeaders(t),
        d.conflicts.sameBusinessKey.map((other) => txCells(other, t)),
        t('common.none'),
      ),
    ),
  );
}

/** Every group subscribed to the transaction's topic/tag: its consumption, or its absence. */
export function expectedGroups(groups: readonly ExpectedGroup[], state: string, ctx: UiContext): VNode {
  const { t } = ctx;
  if (state !== 'COMMITTED' && groups.every((g) => !g.consumption))
    return h('p', { class: 'muted' }, t('tx.notDelivered'), ' ', groups.map((g) => g.group).join(', '));
  return table(
    [
      t('sub.group'),
      t('sub.functions'),
      t('sub.sla'),
      t('consumption.status'),
      t('consumption.attempts'),
      t('consumption.completedAt'),
      t('consumption.lastError'),
      t('consumption.history'),
    ],
    groups.map((g) => {
      const c = g.consumption;
      return [
        h('a', { href: UI_ROUTES.subscriber(g.group), 'data-group': g.group }, g.group),
        g.functions.join(', '),
        age(g.slaSeconds, t),
        c
          ? badge(c.status, t.dynamic(`consumption.${c.status}`, c.status))
          : g.overdue
            ? badge('overdue', t('consumption.overdue'))
            : badge('absent', t('consumption.absent')),
        c ? String(c.attempts) : '',
        c ? time(c.completedAt) : '',
        c
          ? [
              mono(c.lastErrorCode),
              c.deadLetterId ? [' ', h('a', { href: UI_ROUTES.deadLetter(c.deadLetterId) }, t('tx.deadLetter'))] : null,
            ]
          : '',
        c && c.history.length > 0
          ? h(
              'details',
              null,
              h('summary', null, t('consumption.attemptsCount', { n: c.history.length })),
              table(
                ['#', t('common.at'), t('consumption.outcome'), t('consumption.lastError')],
                c.history.map((a) => [
                  String(a.attempt),
                  time(a.startedAt),
                  badge(a.outcome),
                  [mono(a.errorCode), ' ', a.errorMessage ?? ''],
                ]),
                '',
              ),
            )
          : '',
      ];
    }),
    t('tx.noExpectedGroups'),
    'expected-groups',
  );
}

function stuckActions(d: TransactionDetail, state: StuckActionState, ctx: UiContext): VNode {
  const { t } = ctx;
  const txId = d.transaction.txId;
  if (!ctx.canAct || (!d.actions.check && !d.actions.decide))
    return section(t('stuck.actions'), h('p', { class: 'muted' }, t('role.viewerNoActions')));
  const run = async (action: () => Promise<void>) => {
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
  };
  const decide = (values: FormValues) => {
    state.reason = typeof values.reason === 'string' ? values.reason : '';
    state.choice = values.decision === 'commit' || values.decision === 'rollback' ? values.decision : '';
    const length = state.reason.trim().length;
    state.invalid = !state.choice || length < MIN_REASON_LENGTH || length > MAX_REASON_LENGTH;
    if (state.invalid) return ctx.rerender();
    const decision = state.choice;
    if (!decision) return;
    void run(async () => {
      state.decision = await ctx.api.decide(txId, { decision, reason: state.reason.trim() });
    });
  };
  return section(
    t('stuck.actions'),
    h('p', { class: 'muted' }, t('stuck.explain')),
    d.actions.check
      ? h(
          'div',
          { class: 'action-row' },
          h(
            'button',
            {
              type: 'button',
              disabled: state.busy,
              'data-test': 'check-now',
              on: { click: () => void run(async () => void (state.check = await ctx.api.checkNow(txId))) },
            },
            t('stuck.checkNow'),
          ),
          state.check
            ? h(
                'p',
                { class: 'result', 'data-test': 'check-result' },
                t('stuck.answer'),
                ' ',
                badge(state.check.answer),
                ' ',
                state.check.detail,
              )
            : null,
        )
      : null,
    d.actions.decide
      ? h(
          'form',
          { class: 'decision', 'data-test': 'decision-form', on: { submit: decide } },
          h(
            'fieldset',
            null,
            h('legend', null, t('stuck.decision')),
            ...(['commit', 'rollback'] as const).map((choice) =>
              h(
                'label',
                { class: 'inline' },
                h('input', { type: 'radio', name: 'decision', value: choice, checked: state.choice === choice }),
                t(`stuck.${choice}`),
              ),
            ),
          ),
          h(
            'label',
            null,
            h('span', null, t('stuck.reason', { min: MIN_REASON_LENGTH, max: MAX_REASON_LENGTH })),
            h(
              'textarea',
              { name: 'reason', required: true, minlength: MIN_REASON_LENGTH, maxlength: MAX_REASON_LENGTH, rows: 3 },
              state.reason,
            ),
          ),
          state.invalid
            ? h('p', { class: 'invalid', role: 'alert' }, t('stuck.reasonInvalid', { min: MIN_REASON_LENGTH, max: MAX_REASON_LENGTH }))
            : null,
          h('button', { type: 'submit', class: 'danger', disabled: state.busy }, t('stuck.submitDecision')),
        )
      : null,
    state.decision
      ? h(
          'p',
          { class: 'result', 'data-test': 'decision-result' },
          t('stuck.decided'),
          ' ',
          badge(state.decision.transaction.state, t(`state.${state.decision.transaction.state}`)),
          ' ',
          t(`delivery.${state.decision.delivery}`),
          ' ',
          h('a', { href: UI_ROUTES.audit }, t('nav.audit')),
        )
      : null,
    state.error ? refusal(state.error, t) : null,
  );
}
