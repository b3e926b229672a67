/**
 * @module console/ui/view — the UI's element trees as plain data. Pages build {@link VNode}s with
 * {@link h}; `browser/mount.ts` turns them into DOM with `createElement`/`createTextNode` only, so a
 * value from the server is always text (no markup is ever parsed from data). Pages stay pure
 * functions of their data, testable without a browser.
 */
import { UnsafeElementError } from './errors';

/** Values of a form at submit time, by input name (checkboxes: every checked value). */
export type FormValues = Readonly<Record<string, string | readonly string[]>>;

export interface Handlers {
  readonly click?: () => void;
  readonly submit?: (values: FormValues) => void;
  /** The element's new value (select, input). */
  readonly change?: (value: string) => void;
}

export type AttrValue = string | number | boolean | null | undefined;

export interface VElement {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, AttrValue>>;
  readonly on: Handlers;
  /** Flattened: elements and text only. */
  readonly children: readonly (VElement | string)[];
}

/** Falsy children render nothing, so `cond && h(…)` reads naturally; an array is a fragment. */
export type VNode = VElement | string | number | null | undefined | false | readonly VNode[];

export interface Props {
  readonly [attr: string]: AttrValue | Handlers;
  readonly on?: Handlers;
}

/** Elements a page may build; anything else (script, style, iframe, object…) is refused. */
const TAGS = new Set([
  'a',
  'button',
  'caption',
  'code',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'em',
  'fieldset',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'header',
  'input',
  'label',
  'legend',
  'li',
  'main',
  'nav',
  'ol',
  'option',
  'p',
  'pre',
  'progress',
  'section',
  'select',
  'small',
  'span',
  'strong',
  'summary',
  'table',
  'tbody',
  'td',
  'textarea',
  'th',
  'thead',
  'time',
  'tr',
  'ul',
]);

/** Attribute names mount may set: never `on*` (handlers go through {@link Handlers}) nor `style` (CSP). */
const ATTR_NAME = /^(?!on)(?!style$)[a-z][a-z0-9-]*$/;

/**
 * Builds an element. `props.on` holds event handlers; every other prop is an attribute (`true` → present,
 * false/null/undefined → absent). `href` must be a hash route or a same-origin path.
 * @example h('a', { href: UI_ROUTES.trace(key) }, key)
 */
export function h(tag: string, props: Props | null = null, ...children: readonly VNode[]): VElement {
  if (!TAGS.has(tag)) throw new UnsafeElementError(`element <${tag}> is not allowed`);
  const attrs: Record<string, AttrValue> = {};
  let on: Handlers = {};
  for (const [name, value] of Object.entries(props ?? {})) {
    if (name === 'on') {
      on = value as Handlers;
      continue;
    }
    if (!ATTR_NAME.test(name)) throw new UnsafeElementError(`attribute ${name} is not allowed`);
    if (name === 'href' && typeof value === 'string' && !/^(#|\/(?!\/))/.test(value))
      throw new UnsafeElementError(`href ${value} is not a console route`);
    attrs[name] = value as AttrValue;
  }
  return { tag, attrs, on, children: flatten(children) };
}

/** Fragments spread into their parent; falsy nodes dropped. */
export function flatten(nodes: readonly VNode[]): (VElement | string)[] {
  const out: (VElement | string)[] = [];
  for (const node of nodes) {
    if (Array.isArray(node)) out.push(...flatten(node));
    else if (typeof node === 'string' || typeof node === 'number') out.push(String(node));
    else if (isElement(node)) out.push(node);
  }
  return out;
}

export function isElement(node: VNode): node is VElement {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** The text a node shows (what a screen reader or a test reads). */
export function textOf(node: VNode): string {
  if (node === null || node === undefined || node === false) return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (!isElement(node)) return '';
  return node.children.map(textOf).join(node.tag === 'td' || node.tag === 'th' || node.tag === 'li' ? ' ' : '');
}

/** Every element under (and including) `node` that matches. */
export function findAll(node: VNode, match: (element: VElement) => boolean): VElement[] {
  if (Array.isArray(node)) return node.flatMap((child: VNode) => findAll(child, match));
  if (!isElement(node)) return [];
  const found = match(node) ? [node] : [];
  for (const child of node.children) found.push(...findAll(child, match));
  return found;
}
