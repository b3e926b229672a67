/** @module reconcile — finds stuck transactions, missing consumption and DLQ backlog; repairs what is safe. */
export { Reconciler } from './Reconciler';
export type { ReconcilerDeps, Republisher } from './Reconciler';
export { DEFAULT_RECONCILE_POLICY } from './policy';
export type { ReconcilePolicy } from './policy';
export { ReportStore } from './ReportStore';
export { formatReport } from './formatReport';
export { STUCK_ACTIONS } from './types';
export type {
  DeadLetterBacklog,
  DomainCheck,
  DomainCheckResult,
  DomainFinding,
  MissingConsumption,
  ReconcileReport,
  StuckAction,
  StuckTransaction,
} from './types';
export { readReconcilerConfig, reconcilerConfigSchema } from './config';
export type { ReconcilerConfig } from './config';
export { createReconciler } from './createReconciler';
