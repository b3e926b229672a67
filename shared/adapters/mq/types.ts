/** Where and as whom to reach the RocketMQ HTTP endpoint. */
export interface MqConnection {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
  /** Instance id (`ns`), empty for default instances. */
  readonly instanceId?: string;
}

export interface OutgoingMessage {
  /** UTF-8 text; must not contain `]]>` (the SDK wraps bodies in CDATA without splitting it). */
  readonly body: string;
  readonly tag?: string;
  /** Business key (`KEYS`), searchable in the console; no `|` or `:`. */
  readonly key?: string;
  /** User properties; keys and values must avoid `' " & < > | :`. */
  readonly properties?: Readonly<Record<string, string>>;
  /** Absolute delivery time in ms (scheduled message). */
  readonly startDeliverTime?: number;
}

export interface PublishedMessage {
  readonly messageId: string;
  readonly bodyMd5: string;
}

export interface PublishedHalfMessage extends PublishedMessage {
  /** Commits or rolls back the half message until its check-immunity time has passed. */
  readonly receiptHandle: string;
}

/** A consumed message with numbers as numbers and the SDK's property quirks undone. */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly bodyMd5: string;
  readonly tag: string | undefined;
  readonly key: string | undefined;
  readonly properties: Readonly<Record<string, string>>;
  readonly publishTime: number;
  readonly firstConsumeTime: number;
  readonly nextConsumeTime: number;
  /** Deliveries so far, this one included (first delivery = 1). For half messages: checks so far. */
  readonly consumedTimes: number;
  readonly startDeliverTime: number | undefined;
}

export interface ConsumeOptions {
  /** RocketMQ tag expression (`*`, `A`, `A||B`); absent = all. */
  readonly tagExpression?: string;
  /** 1..16. */
  readonly maxMessages?: number;
  /** Long-poll seconds, 0..30; 0 = return at once. */
  readonly waitSeconds?: number;
}

/** A receipt handle the broker refused on ack; handles not listed were acknowledged. */
export interface AckFailure {
  readonly receiptHandle: string;
  readonly code: string;
  readonly message: string;
}
