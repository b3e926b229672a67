import { formatReport } from '../../shared/engines/reconcile';
import { formatDiscount, formatPercent } from '../../examples/trading/subscriptionFee';
import type { DemoReport } from './runDemo';

/** Terminal columns a string takes: CJK ideographs, kana, Hangul and full-width forms take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text)
    width += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u.test(char) ? 2 : 1;
  return width;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, column) => Math.max(displayWidth(header), ...rows.map((row) => displayWidth(row[column] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell + ' '.repeat(Math.max(0, widths[column]! - displayWidth(cell))))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/** The demo's readable final report. */
export function formatDemoReport(report: DemoReport): string {
  const out: string[] = [];
  out.push('', `═══ Discount purchase demo ${report.runId} — ${report.purchases.length} purchases in ${report.durationSeconds}s ═══`, '');
  out.push('Purchases (优惠购: wallet top-up = main tx, target-fund purchase = slave tx)');
  out.push(
    ...table(
      ['#', 'purchase', 'customer', 'fund', 'amount ¥', 'fee (standard × discount)', 'fault', 'answer', 'tx state', 'outcome'],
      report.purchases.map((p) => [
        String(p.index + 1),
        p.purchaseId ?? '-',
        p.customerId,
        p.fundCode,
        p.amount,
        p.fee ? `¥${p.fee.fee} (${formatPercent(p.fee.standardRate)} × ${formatDiscount(p.fee.discount)})` : '-',
        p.fault,
        `${p.httpStatus || '-'} ${p.answer}`,
        p.txState ?? '-',
        p.outcome,
      ]),
    ),
  );
  const count = (predicate: (p: DemoReport['purchases'][number]) => boolean) => report.purchases.filter(predicate).length;
  out.push(
    '',
    `  committed: ${count((p) => p.txState === 'COMMITTED')} (by check-back: ${count((p) => p.txState === 'COMMITTED' && p.decidedBy === 'checkback')}), rolled back: ${count((p) => p.txState === 'ROLLED_BACK')}, dead-lettered then replayed: ${count((p) => p.replayed)}, refused for good: ${count((p) => p.tradingState === 'FUND_PURCHASE_REFUSED')}`,
  );
  out.push(
    '',
    'Companion events (plain events the companion platform published through tx-gateway, and the orchestration consumer after each purchase)',
  );
  out.push(
    ...table(
      ['tag', 'title', 'state', 'consumed by'],
      report.companionEvents.map((e) => [e.tag, e.title, e.txState ?? '-', e.consumedBy.join(', ')]),
    ),
  );
  out.push('', 'Touch-points (compliance gates what is sent; the sender delivers through the channel providers)');
  out.push(
    ...table(
      ['customer', 'channel', 'kind', 'title', 'status', 'detail'],
      report.touchpoints.map((t) => [t.customerId, t.channel, t.kind, t.title.slice(0, 30), t.status, t.detail]),
    ),
  );
  out.push('', 'What each customer received (recorded by the local channel sink, one line per message)');
  out.push(
    ...table(
      ['customer', 'channel', 'provider id', 'message'],
      report.received.map((r) => [r.customerId, r.channel, r.providerId, JSON.stringify(r.message).slice(0, 80)]),
    ),
  );
  out.push('', 'Subscribers — what each group consumed in this run');
  out.push(
    ...table(
      ['group', 'consumed', 'by tag', 'dead-lettered'],
      Object.entries(report.subscribers).map(([group, s]) => [
        group,
        String(s.completed),
        Object.entries(s.byTag)
          .map(([tag, n]) => `${tag}×${n}`)
          .join(' '),
        String(s.deadLettered),
      ]),
    ),
  );
  out.push('', `Dead letters: ${report.deadLetters.length}`);
  for (const letter of report.deadLetters)
    out.push(
      `  ${letter.id} ${letter.group} key ${letter.key ?? '-'} after ${letter.attempts} attempts (${letter.error}) → ${letter.status}`,
    );
  out.push('', `Alerts received by the local webhook: ${report.alerts.length}`);
  for (const alert of report.alerts) {
    const body = alert.body as { markdown?: { title?: string }; title?: string };
    out.push(`  ${alert.receivedAt} ${body.markdown?.title ?? body.title ?? JSON.stringify(alert.body).slice(0, 120)}`);
  }
  out.push('', formatReport(report.reconcile));
  out.push('', 'Consistency verdict (read independently from the trading and transaction-center databases)');
  for (const check of report.verdict.checks) out.push(`  ${check.ok ? '✔' : '✘'} ${check.name}: ${check.detail}`);
  out.push('', report.consistent ? '✅ CONSISTENT' : '❌ INCONSISTENT', '');
  return out.join('\n');
}
