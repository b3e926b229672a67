import { describe, expect, it } from 'vitest';
import { UnsafeElementError } from '../../../../../shared/engines/console/ui/errors';
import { traceView } from '../../../../../shared/engines/console/ui/pages/trace';
import { findAll, h, textOf } from '../../../../../shared/engines/console/ui/view';
import { context, HOSTILE, trace } from './fixtures';

describe('Function: h', () => {
  it('refuses elements and attributes that could run code or break the CSP', () => {
    expect(() => h('script')).toThrow(UnsafeElementError);
    expect(() => h('iframe')).toThrow(UnsafeElementError);
    expect(() => h('a', { onclick: 'x()' })).toThrow(UnsafeElementError);
    expect(() => h('div', { style: 'color:red' })).toThrow(UnsafeElementError);
    expect(() => h('a', { href: 'javascript:alert(1)' })).toThrow(UnsafeElementError);
    expect(() => h('a', { href: '//evil.example/x' })).toThrow(UnsafeElementError);
    expect(h('a', { href: '#/trace/p-1' }, 'p-1').attrs.href).toBe('#/trace/p-1');
  });

  it('flattens fragments and drops falsy children', () => {
    const node = h('p', null, 'a', [null, 'b', ['c', false]], 0, undefined);
    expect(node.children).toEqual(['a', 'b', 'c', '0']);
  });
});

describe('rendering hostile values', () => {
  it('keeps a business key with markup as text: no script or img element is built', () => {
    const node = traceView(trace(HOSTILE), context());
    expect(findAll(node, (e) => e.tag === 'script' || e.tag === 'img')).toEqual([]);
    expect(textOf(node)).toContain(HOSTILE);
    // The key is in an href only URI-encoded.
    const hrefs = findAll(node, (e) => typeof e.attrs.href === 'string').map((e) => String(e.attrs.href));
    expect(hrefs.some((href) => href.includes('<'))).toBe(false);
  });
});
