/**
 * @module console/ui/components — pieces every page uses: tables, badges, times, refusals, pager.
 */
import type { TxSummary } from '../api';
import { UI_ROUTES } from '../contract';
import type { UiContext } from './context';
import { ApiError } from './errors';
import { compactJson, formatAge, formatTime, isoToLocalInput, localInputToIso, prettyJson } from './format';
import type { MessageKey, Translate } from './i18n';
import { errorMessage } from './i18n';
import type { FormValues, VNode } from './view';
import { h } from './view';

export function time(iso: string | null | undefined): VNode {
  return iso ? h('time', { datetime: iso, title: iso }, formatTime(iso)) : '—';
}

export function age(seconds: number | null | undefined, t: Translate): string {
  return seconds === null || seconds === undefined
    ? '—'
    : formatAge(seconds, { d: t('unit.d'), h: t('unit.h'), m: t('unit.m'), s: t('unit.s') });
}

/** A state or status as a coloured label; the class is derived from the value (letters only). */
export function badge(value: string | null | undefined, label?: string): VNode {
  if (!value) return '—';
  return h('span', { class: `badge badge-${value.toLowerCase().replace(/[^a-z]+/g, '-')}` }, label ?? value);
}

export function yesNo(value: boolean, t: Translate): VNode {
  return badge(value ? 'yes' : 'no', t(value ? 'common.yes' : 'common.no'));
}

export function mono(text: string | null | undefined): VNode {
  return text ? h('code', null, text) : '—';
}

/** A table, or `empty` when there are no rows. */
export function table(headers: readonly string[], rows: readonly (readonly VNode[])[], empty: string, className = ''): VNode {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: className || null },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((title) => h('th', null, title)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((cells) =>
          h(
            'tr',
            null,
            cells.map((cell) => h('td', null, cell)),
          ),
        ),
      ),
    ),
  );
}

/** A definition list of label → value. */
export function fields(pairs: readonly (readonly [string, VNode])[]): VNode {
  return h(
    'dl',
    { class: 'fields' },
    pairs.map(([label, value]) => [
      h('dt', null, label),
      h('dd', null, value === '' || value === null || value === undefined ? '—' : value),
    ]),
  );
}

export function jsonBlock(value: unknown): VNode {
  return h('pre', { class: 'json' }, prettyJson(value));
}

export function jsonCell(value: unknown): VNode {
  const text = compactJson(value);
  return text ? h('code', { class: 'compact', title: text }, text) : '';
}

export function section(title: string, ...body: VNode[]): VNode {
  return h('section', { class: 'panel' }, h('h2', null, title), ...body);
}

export function pageHeader(title: string, ...extra: VNode[]): VNode {
  return h('header', { class: 'page-header' }, h('h1', null, title), ...extra);
}

/** Why a call was refused, in the UI's language: the status's title, the code's text, the server's words. */
export function refusal(error: unknown, t: Translate): VNode {
  const apiError =
    error instanceof ApiError ? error : new ApiError(0, 'BAD_RESPONSE', error instanceof Error ? error.message : String(error));
  return h(
    'div',
    { class: `refusal status-${apiError.status}`, role: 'alert', 'data-code': apiError.code },
    h('strong', null, t(statusTitle(apiError.status))),
    h('p', null, errorMessage(t, apiError.code)),
    h('p', { class: 'detail' }, h('code', null, apiError.code), ' ', apiError.message),
  );
}

function statusTitle(status: number): MessageKey {
  if (status === 400 || status === 413) return 'refusal.400';
  if (status === 401) return 'refusal.401';
  if (status === 403) return 'refusal.403';
  if (status === 404) return 'refusal.404';
  if (status === 409) return 'refusal.409';
  if (status === 429) return 'refusal.429';
  if (status === 0) return 'refusal.0';
  return 'refusal.500';
}

/** "Next page" (keyset: the server's cursor) and "first page" links for a list route. */
export function pager(
  ctx: UiContext,
  base: (query: Record<string, string>) => string,
  query: Readonly<Record<string, string | undefined>>,
  nextCursor: string | null,
): VNode {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) if (value && key !== 'cursor') kept[key] = value;
  return h(
    'nav',
    { class: 'pager' },
    query.cursor ? h('a', { href: base(kept), class: 'button' }, ctx.t('pager.first')) : null,
    nextCursor
      ? h('a', { href: base({ ...kept, cursor: nextCursor }), class: 'button', 'data-test': 'next-page' }, ctx.t('pager.next'))
      : h('span', { class: 'muted' }, ctx.t('pager.end')),
  );
}

/** A transaction row's cells, shared by search, stuck, overview and subscriber pages. */
export function txCells(tx: TxSummary, t: Translate): VNode[] {
  return [
    time(tx.createdAt),
    h('a', { href: UI_ROUTES.transaction(tx.txId) }, h('code', null, tx.txId)),
    h('a', { href: UI_ROUTES.trace(tx.businessKey) }, tx.businessKey),
    tx.systemId,
    `${tx.topic} / ${tx.tag}`,
    [badge(tx.state, t(`state.${tx.state}`)), tx.stuck ? [' ', badge('stuck', t('tx.stuck'))] : null],
    t(`delivery.${tx.delivery}`),
  ];
}

export function txHeaders(t: Translate): string[] {
  return [t('tx.createdAt'), t('tx.txId'), t('tx.businessKey'), t('tx.system'), t('tx.topicTag'), t('tx.state'), t('tx.delivery')];
}

export interface FilterField {
  readonly name: string;
  readonly label: string;
  /** `time`: a datetime-local input whose value travels as ISO UTC. */
  readonly kind: 'text' | 'select' | 'time';
  /** For selects: value → label; the first option is "any". */
  readonly options?: readonly (readonly [string, string])[];
  readonly placeholder?: string;
  /** The server's bound, so the browser refuses early (the server checks again). */
  readonly maxLength?: number;
}

/** A search form whose values become the route's query (shareable, and the back button works). */
export function filterForm(
  ctx: UiContext,
  fieldsSpec: readonly FilterField[],
  query: Readonly<Record<string, string | undefined>>,
  base: (query: Record<string, string>) => string,
  testId: string,
): VNode {
  const { t } = ctx;
  const submit = (values: FormValues) => {
    const next: Record<string, string> = {};
    for (const field of fieldsSpec) {
      const raw = values[field.name];
      const value = typeof raw === 'string' ? raw.trim() : '';
      const converted = field.kind === 'time' ? localInputToIso(value) : value;
      if (converted) next[field.name] = converted;
    }
    ctx.go(base(next));
  };
  return h(
    'form',
    { class: 'filters', 'data-test': testId, on: { submit } },
    fieldsSpec.map((field) =>
      h(
        'label',
        null,
        h('span', null, field.label),
        field.kind === 'select'
          ? h(
              'select',
              { name: field.name },
              (field.options ?? []).map(([value, label]) => h('option', { value, selected: (query[field.name] ?? '') === value }, label)),
            )
          : h('input', {
              name: field.name,
              type: field.kind === 'time' ? 'datetime-local' : 'text',
              value: field.kind === 'time' ? isoToLocalInput(query[field.name]) : (query[field.name] ?? ''),
              placeholder: field.placeholder ?? null,
              maxlength: field.maxLength ?? null,
              autocomplete: 'off',
            }),
      ),
    ),
    h(
      'div',
      { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'primary' }, t('common.search')),
      h('a', { href: base({}), class: 'button' }, t('common.clear')),
    ),
  );
}
