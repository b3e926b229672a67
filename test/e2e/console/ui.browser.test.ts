/**
 * The console UI in real headless Chromium against the whole local stack (tx-console included), after
 * a small demo run: log in, search a purchase, follow its trace, replay a dead letter (preview, then
 * execute) and find it audited, a viewer refused, both languages, hostile data shown as text.
 * Every page's screenshot lands in .scratch/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCOUNT_PURCHASE } from '../../../examples/trading/DiscountPurchase';
import { FAULT_HEADER } from '../../../examples/trading/faults';
import { runDemo } from '../../../local/demo/runDemo';
import type { DemoReport } from '../../../local/demo/runDemo';
import { planPurchases, PURCHASE_FAULTS } from '../../../local/demo/scenario';
import type { Stack } from '../../../local/demo/stack';
import { LOCAL_CONSOLE_USERS } from '../../../local/demo/stack';
import { catalog } from '../../../shared/engines/catalog';
import { consoleUiUrl, UI_ROUTES } from '../../../shared/engines/console/contract';
import type { Database } from '../../../shared/adapters/store/Database';
import { openDatabase } from '../../../shared/adapters/store/openDatabase';
import { SqlTxStore } from '../../../shared/engines/tx/SqlTxStore';
import { newTxId } from '../../../shared/engines/tx/txId';
import { startTestStack, until } from '../stackFixture';
import type { PageGlobals } from './uiBrowser';
import { browserUnavailableReason, launchChromium, screenshot, settled } from './uiBrowser';

const skipReason = browserUnavailableReason();
if (skipReason) console.warn(skipReason);
const HOSTILE_KEY = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';
const ORCHESTRATION_GROUP = 'GID_TXC_ORCH_TRADE';

describe.skipIf(skipReason !== undefined)('Console UI in headless Chromium (whole local stack)', () => {
  let stack: Stack;
  let report: DemoReport;
  let txcenter: Database;
  let browser: Browser;
  let operator: BrowserContext;
  let page: Page;
  /** A purchase whose dead letter the browser replays (the demo replays its own). */
  let failing: { purchaseId: string; txId: string; deadLetterId: string };
  const ui = (route: string) => consoleUiUrl(stack.urls.console, route);
  const open = async (target: Page, route: string) => {
    await target.goto(ui(route));
    await settled(target);
  };

  beforeAll(async () => {
    stack = await startTestStack();
    browser = await launchChromium();
    report = await runDemo(stack, { purchases: 4 });
    txcenter = await openDatabase(stack.txcenterDatabaseUrl);
    // One more purchase whose slave call keeps failing: its dead letter waits for the operator.
    const plan = planPurchases(1)[0]!;
    const answer = await fetch(`${stack.urls.trading}/discount-purchase`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [FAULT_HEADER]: PURCHASE_FAULTS.slaveFailAlways },
      body: JSON.stringify({ customerId: plan.customerId, fundCode: plan.fundCode, amount: plan.amount }),
    });
    const sent = (await answer.json()) as { purchaseId: string; txId: string };
    expect(sent.txId).toBeTruthy();
    const letter = await until('the dead letter', 120_000, () =>
      txcenter.db
        .selectFrom('txc_dead_letter')
        .select('id')
        .where('dedup_key', '=', sent.txId)
        .where('group_id', '=', ORCHESTRATION_GROUP)
        .executeTakeFirst(),
    );
    await fetch(`${stack.urls.trading}/admin/faults/clear-slave?purchaseId=${encodeURIComponent(sent.purchaseId)}`, { method: 'POST' });
    failing = { purchaseId: sent.purchaseId, txId: sent.txId, deadLetterId: String(letter.id) };
    operator = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    page = await operator.newPage();
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await txcenter?.close();
    await stack?.close();
  });

  it('logs an operator in through the form and shows the overview', async () => {
    await page.goto(ui(UI_ROUTES.overview));
    const form = page.locator('[data-test=login-form]');
    await form.waitFor();
    await screenshot(page, '00-login');
    await form.locator('input[name=name]').fill(LOCAL_CONSOLE_USERS.operator.name);
    await form.locator('input[name=password]').fill(LOCAL_CONSOLE_USERS.operator.password);
    await form.locator('button[type=submit]').click();
    await page.locator('[data-test=who]').waitFor();
    await settled(page);
    expect(await page.locator('[data-test=who]').textContent()).toBe(`${LOCAL_CONSOLE_USERS.operator.name} · 运维`);
    expect(await page.locator('h1').first().textContent()).toBe('概览');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.lang)).toBe('zh-CN');
    await screenshot(page, '01-overview');
  });

  it('finds a purchase by its business key and shows every expected group consumed', async () => {
    const purchase = report.purchases.find((p) => p.fault === PURCHASE_FAULTS.none && p.txState === 'COMMITTED');
    expect(purchase?.purchaseId).toBeTruthy();
    const businessKey = purchase!.purchaseId!;
    const tx = await txcenter.db
      .selectFrom('txc_tx')
      .select(['tx_id', 'topic', 'tag'])
      .where('tx_id', '=', purchase!.txId!)
      .executeTakeFirstOrThrow();
    const expected = catalog()
      .subscribersOf(tx.topic as string, tx.tag as string)
      .map((group) => group.id)
      .sort();
    expect(expected.length).toBeGreaterThan(1);

    await open(page, UI_ROUTES.transactions());
    const search = page.locator('[data-test=tx-search]');
    await search.locator('input[name=businessKey]').fill(businessKey);
    await search.locator('button[type=submit]').click();
    await page.waitForURL((url) => url.hash.includes(`businessKey=${businessKey}`));
    await settled(page);
    const rows = page.locator('table.tx-results tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(tx.tx_id as string);
    await screenshot(page, '02-transactions-search');

    await rows
      .first()
      .locator(`a[href="${UI_ROUTES.transaction(tx.tx_id as string)}"]`)
      .click();
    await settled(page);
    await page.locator('table.expected-groups').waitFor();
    expect((await page.locator('table.expected-groups a[data-group]').allTextContents()).sort()).toEqual(expected);
    await screenshot(page, '03-transaction-detail');

    await page
      .locator(`a[href="${UI_ROUTES.trace(businessKey)}"]`)
      .first()
      .click();
    await page.locator('[data-test=trace-key]').waitFor();
    await settled(page);
    expect(await page.locator('[data-test=trace-key]').textContent()).toBe(businessKey);
    const chips = page.locator('[data-test=trace-groups] li');
    const seen = await chips.evaluateAll((items) => items.map((li) => [li.getAttribute('data-group'), li.getAttribute('data-status')]));
    expect(seen.map(([group]) => group).sort()).toEqual(expected);
    expect(seen.every(([, status]) => status === 'COMPLETED')).toBe(true);
    expect(await page.locator('table.trace-events tbody tr').count()).toBeGreaterThan(expected.length);
    await screenshot(page, '04-trace');
    await screenshot(page, 'readme-trace', { fullPage: false });
  });

  it('previews a dead-letter replay, executes it, shows the per-message report and an audit row', async () => {
    await open(page, `${UI_ROUTES.deadLetters}?status=NEW`);
    expect(await page.locator('table.dl-list tbody').textContent()).toContain(failing.deadLetterId);
    await screenshot(page, '05-dead-letters');

    await open(page, UI_ROUTES.deadLetter(failing.deadLetterId));
    await page.locator('[data-test=replay-preview-one]').click();
    const preview = page.locator('[data-test=replay-preview]');
    await preview.waitFor();
    expect(await preview.locator('table.replay-report tbody tr').count()).toBe(1);
    expect(await preview.textContent()).toContain('将重放');
    // The preview published nothing.
    const stored = await txcenter.db
      .selectFrom('txc_dead_letter')
      .select('status')
      .where('id', '=', failing.deadLetterId)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('NEW');
    await screenshot(page, '06-dead-letter-preview');

    await page.locator('[data-test=replay-execute]').click();
    const result = page.locator('[data-test=replay-result]');
    await result.waitFor();
    expect(await result.locator('table.replay-report tbody tr').textContent()).toContain('已重放');
    await screenshot(page, '07-dead-letter-replayed');
    // The replayed message reaches the (fixed) trading system once.
    await until('the replayed slave effect', 120_000, () =>
      txcenter.db.selectFrom('txc_slave_purchase').select('tx_id').where('tx_id', '=', failing.txId).executeTakeFirst(),
    );

    await result.locator(`a[href="${UI_ROUTES.audit}"]`).click();
    // The click changes the hash; until the app reacts the replay page is still drawn and "settled".
    await page.locator('table.audit-log').waitFor();
    await settled(page);
    const audit = page.locator('table.audit-log tbody tr');
    const rows = await audit.allTextContents();
    expect(rows.some((row) => row.includes(LOCAL_CONSOLE_USERS.operator.name) && row.includes('重放') && row.includes('成功'))).toBe(true);
    await screenshot(page, '08-audit');
  });

  it('shows a viewer no replay action, and the server refuses a viewer replay with 403 FORBIDDEN', async () => {
    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    try {
      const viewer = await viewerContext.newPage();
      await viewer.goto(ui(UI_ROUTES.deadLetter(failing.deadLetterId)));
      const form = viewer.locator('[data-test=login-form]');
      await form.locator('input[name=name]').fill(LOCAL_CONSOLE_USERS.viewer.name);
      await form.locator('input[name=password]').fill(LOCAL_CONSOLE_USERS.viewer.password);
      await form.locator('button[type=submit]').click();
      // The login returns to the deep link that led to it.
      await viewer.locator('[data-test=viewer-note]').waitFor();
      expect(await viewer.locator('[data-test=replay-preview-one]').count()).toBe(0);
      await screenshot(viewer, '09-viewer-dead-letter');
      const refused = await viewer.evaluate(async (id) => {
        const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
        const response = await fetch('/api/dead-letters/replay', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
          body: JSON.stringify({ filter: { ids: [id] }, dryRun: true }),
        });
        return { status: response.status, body: (await response.json()) as { error: { code: string } } };
      }, failing.deadLetterId);
      expect(refused).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    } finally {
      await viewerContext.close();
    }
  });

  it('switches to English and back, remembering the choice across a reload', async () => {
    await open(page, UI_ROUTES.overview);
    await page.locator('.topbar button[data-lang=en]').click();
    expect(await page.locator('nav.sidebar').textContent()).toContain('Dead letters');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.lang)).toBe('en');
    await page.reload();
    await settled(page);
    expect(await page.locator('h1').first().textContent()).toBe('Overview');
    await screenshot(page, '10-overview-en');
    await page.locator('.topbar button[data-lang=zh-CN]').click();
    expect(await page.locator('h1').first().textContent()).toBe('概览');
  });

  it('shows refusals as messages, and a business key holding markup as plain text', async () => {
    await open(page, UI_ROUTES.transaction('no-such-transaction'));
    expect(await page.locator('.refusal').getAttribute('data-code')).toBe('TX_NOT_FOUND');
    expect(await page.locator('.refusal strong').textContent()).toBe('未找到');
    await screenshot(page, '11-refusal-404');
    await open(page, UI_ROUTES.trace('bad key with spaces'));
    expect(await page.locator('.refusal').getAttribute('data-code')).toBe('VALIDATION_FAILED');

    // A row the gateway would refuse (its key alphabet forbids "<"), written straight to the store
    // as older or hostile data could be: the console must still show it as text.
    const txId = newTxId();
    const store = new SqlTxStore(txcenter.db as ConstructorParameters<typeof SqlTxStore>[0]);
    await store.insertPrepared(
      {
        txId,
        systemId: 'trading',
        businessKey: HOSTILE_KEY,
        ...DISCOUNT_PURCHASE,
        payloadHash: 'x',
        body: JSON.stringify({ note: HOSTILE_KEY }),
        properties: undefined,
        checkbackPath: undefined,
      },
      Date.now(),
    );
    for (const route of [UI_ROUTES.transactions({ txId }), UI_ROUTES.transaction(txId)]) {
      await open(page, route);
      expect(await page.locator('#app').textContent()).toContain(HOSTILE_KEY);
      expect(await page.locator('#app script, #app img').count()).toBe(0);
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__xss)).toBeUndefined();
    }
    await screenshot(page, '12-hostile-key-as-text');
  });

  it('draws every other page without a refusal', async () => {
    const group = ORCHESTRATION_GROUP;
    const run = await txcenter.db
      .selectFrom('txc_reconcile_report')
      .select('run_id')
      .orderBy('finished_at', 'desc')
      .executeTakeFirst()
      .catch(() => undefined);
    const pages: [string, string][] = [
      ['13-stuck', UI_ROUTES.stuck],
      ['14-subscribers', UI_ROUTES.subscribers],
      ['15-subscriber', UI_ROUTES.subscriber(group)],
      ['16-reconcile-runs', UI_ROUTES.reconcileRuns],
      ['17-incidents', UI_ROUTES.incidents],
      ...(run ? [['18-reconcile-run', UI_ROUTES.reconcileRun(String(run.run_id))] as [string, string]] : []),
    ];
    for (const [name, route] of pages) {
      await open(page, route);
      expect(await page.locator('.refusal').count(), name).toBe(0);
      expect(await page.locator('main h1').count(), name).toBe(1);
      await screenshot(page, name);
    }
  });
});
