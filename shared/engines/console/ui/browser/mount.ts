/**
 * @module console/ui/browser/mount — turns {@link VNode}s into DOM. Only `createElement`,
 * `createTextNode` and `setAttribute` (with names {@link h} already vetted): no HTML string is ever
 * parsed, so whatever the server sends shows as text.
 */
import type { FormValues, VElement, VNode } from '../view';
import { flatten } from '../view';

export function render(node: VNode): Node {
  const fragment = document.createDocumentFragment();
  for (const child of flatten([node])) fragment.append(typeof child === 'string' ? document.createTextNode(child) : element(child));
  return fragment;
}

function element(node: VElement): HTMLElement {
  const el = document.createElement(node.tag);
  for (const [name, value] of Object.entries(node.attrs)) {
    if (value === false || value === null || value === undefined) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of node.children) el.append(typeof child === 'string' ? document.createTextNode(child) : element(child));
  const { click, submit, change } = node.on;
  if (click) el.addEventListener('click', () => click());
  if (submit && el instanceof HTMLFormElement)
    el.addEventListener('submit', (event) => {
      event.preventDefault();
      submit(formValues(el));
    });
  if (change) el.addEventListener('change', () => change(fieldValue(el)));
  return el;
}

/** A checkbox's value when checked, else ''; any other field's value. */
function fieldValue(el: HTMLElement): string {
  if (el instanceof HTMLInputElement) return el.type === 'checkbox' || el.type === 'radio' ? (el.checked ? el.value : '') : el.value;
  if (el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) return el.value;
  return '';
}

function formValues(form: HTMLFormElement): FormValues {
  const values: Record<string, string | string[]> = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value !== 'string') continue;
    const seen = values[name];
    values[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return values;
}
