/**
 * Headless Chromium for the console's browser tests: Debian's `chromium` driven by playwright-core
 * (no browser download). `.ci/run` installs the package and sets TXC_REQUIRE_BROWSER=1, so CI fails
 * instead of skipping when the browser is missing.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** No sandbox (root in CI), and nothing that reaches for the network on its own. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
/** Git-ignored: a person looks at these after a run. */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../.scratch/screenshots/', import.meta.url));

/** Why the browser tests cannot run here (printed by the skip), or undefined. */
export function browserUnavailableReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
  if (process.env.TXC_REQUIRE_BROWSER === '1') throw new Error(`TXC_REQUIRE_BROWSER=1 but ${reason}`);
  return `console browser tests skipped: ${reason}`;
}

/** A fresh browser (playwright gives each launch its own temporary profile directory). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** The whole page, or with `fullPage: false` what a person sees first (the README's picture). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}

/** What page functions read (this file is type-checked without the DOM lib). */
export interface PageGlobals {
  readonly document: { querySelector(selector: string): unknown; readonly documentElement: { readonly lang: string } };
  readonly __xss?: number;
}

/** Waits until the single-page app has drawn the route's data (no "loading" left). */
export async function settled(page: Page): Promise<void> {
  // A function, not a string: the console's CSP forbids eval, which string predicates need.
  await page.waitForFunction(
    () => {
      const { document } = globalThis as unknown as PageGlobals;
      return document.querySelector('#app > *') !== null && document.querySelector('.loading') === null;
    },
    undefined,
    { timeout: 30_000 },
  );
}
