import { TxcError } from '../../errors';

/** The alert webhook refused the alert or could not be reached. */
export class AlertDeliveryError extends TxcError {
  override readonly name = 'AlertDeliveryError';
  constructor(message: string, options?: ErrorOptions) {
    super('ALERT_DELIVERY_FAILED', message, options);
  }
}
