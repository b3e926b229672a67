/**
 * The root of txcenter's error family. Every domain failure that crosses a module boundary is a
 * subclass with a stable machine-readable `code`; branch on `code` (or `name`), never on message text.
 */
export class TxcError extends Error {
  override readonly name: string = 'TxcError';
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions & { details?: Record<string, unknown> },
  ) {
    super(message, options);
    this.details = options?.details;
  }
  readonly details: Record<string, unknown> | undefined;
}

/** Input failed validation at a boundary (HTTP body, message body, configuration). */
export class ValidationError extends TxcError {
  override readonly name = 'ValidationError';
  constructor(message: string, options?: ErrorOptions & { details?: Record<string, unknown> }) {
    super('VALIDATION_FAILED', message, options);
  }
}

/** The catalog (topics, tags, groups, functions) is inconsistent. Raised at load time. */
export class CatalogError extends TxcError {
  override readonly name = 'CatalogError';
  constructor(message: string) {
    super('CATALOG_INVALID', message);
  }
}
