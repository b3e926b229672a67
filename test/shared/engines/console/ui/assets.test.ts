import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSOLE_UI_ASSETS_FILE, renderConsoleUiAssets } from '../../../../../scripts/buildConsoleUi';
import { UI_ASSETS } from '../../../../../shared/engines/console/ui/assets';

describe('console UI assets (shared/engines/console/ui/assets.ts)', () => {
  it('are current: rebuilding the sources gives the committed file (run `npx tsx scripts/buildConsoleUi.ts` when this fails)', async () => {
    expect(await renderConsoleUiAssets()).toBe(readFileSync(CONSOLE_UI_ASSETS_FILE, 'utf8'));
  });

  it('are one page whose script and stylesheet are in the map, and nothing from outside', () => {
    const page = UI_ASSETS['/'];
    expect(page?.contentType).toBe('text/html; charset=utf-8');
    const referenced = [...(page?.body ?? '').matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(referenced.filter((url) => url.startsWith('/assets/')).sort()).toEqual(
      Object.keys(UI_ASSETS)
        .filter((path) => path !== '/')
        .sort(),
    );
    expect(referenced.filter((url) => !url.startsWith('/assets/') && url !== 'data:,')).toEqual([]);
    for (const [path, asset] of Object.entries(UI_ASSETS)) {
      expect(asset.body, path).not.toMatch(/https?:\/\/|url\(\s*["']?\/\//);
      expect(asset.body, path).not.toMatch(/@import/);
    }
  });

  it('fit the content-security-policy: no inline script or style in the page, no HTML parsing or eval in the script', () => {
    const html = UI_ASSETS['/']?.body ?? '';
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style=|\son[a-z]+=/i);
    const js = Object.entries(UI_ASSETS).find(([path]) => path.endsWith('.js'))?.[1].body ?? '';
    expect(js.length).toBeGreaterThan(1000);
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
  });
});
