import type { Logger } from '../../logger';
import type { Alert, AlertSink } from './AlertSink';

/** Writes alerts to the log: the sink when no webhook is configured (local runs). */
export class LogAlertSink implements AlertSink {
  constructor(private readonly logger: Logger) {}

  async raise(alert: Alert): Promise<void> {
    this.logger.warn(
      { alert: { kind: alert.kind, severity: alert.severity, incidentKey: alert.incidentKey, title: alert.title } },
      'ALERT',
    );
  }
}
