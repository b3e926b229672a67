import { TxcError } from '../../errors';

/** The channel settings are unusable; raised at start-up, before anything is sent. */
export class ChannelConfigError extends TxcError {
  override readonly name = 'ChannelConfigError';
  constructor(message: string) {
    super('CHANNEL_CONFIG_INVALID', message);
  }
}

/**
 * The provider refused the message for good (4xx other than 408/429: bad number, unsubscribed user,
 * template rejected): the touch-point becomes FAILED with the reason, and an alert is raised.
 */
export class ProviderRefusedError extends TxcError {
  override readonly name = 'ProviderRefusedError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('PROVIDER_REFUSED', message);
  }
}

/** The provider could not take the message now (5xx, 408, 429, timeout, network): retried with backoff. */
export class ProviderUnavailableError extends TxcError {
  override readonly name = 'ProviderUnavailableError';
  constructor(message: string, options?: ErrorOptions) {
    super('PROVIDER_UNAVAILABLE', message, options);
  }
}
