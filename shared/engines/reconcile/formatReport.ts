import type { ReconcileReport } from './types';

/** The readable summary of a reconciliation report (what `txcenter reconcile` prints). */
export function formatReport(report: ReconcileReport): string {
  const lines = [
    `Reconciliation ${report.runId} finished ${report.finishedAt}: ${report.clean ? 'CLEAN — nothing to repair' : 'DRIFT FOUND'}${report.truncated ? ' (truncated by the deadline; the next run continues)' : ''}`,
  ];
  lines.push(`  Stuck in PREPARED: ${report.stuckPrepared.length}`);
  for (const stuck of report.stuckPrepared) {
    lines.push(
      `    ${stuck.txId} ${stuck.topic}/${stuck.tag} key ${stuck.businessKey} age ${stuck.ageSeconds}s → ${stuck.action}${stuck.decision ? ` ${stuck.decision}` : ''} (${stuck.detail})`,
    );
  }
  lines.push(`  Committed without consumption past SLA: ${report.missingConsumption.length}`);
  for (const missing of report.missingConsumption) {
    lines.push(
      `    ${missing.txId} ${missing.topic}/${missing.tag} missing ${missing.missingGroups.join(', ')} after ${missing.secondsSinceCommit}s → ${missing.republished ? 're-published with the same key' : `re-publish failed: ${missing.error}`}`,
    );
  }
  lines.push(`  Dead letters awaiting replay: ${report.deadLetters.total}`);
  for (const group of report.deadLetters.byGroup) lines.push(`    ${group.group}: ${group.count} (oldest ${group.oldestAgeSeconds}s)`);
  for (const check of report.domainChecks ?? []) {
    lines.push(`  ${check.name}: ${check.findings.length}${check.repaired > 0 ? ` (${check.repaired} repaired)` : ''}`);
    for (const finding of check.findings) lines.push(`    ${finding.id}: ${finding.detail}`);
  }
  return lines.join('\n');
}
