import type { Generated } from 'kysely';

/** Barrier statuses: the life of one (group, message key/id). */
export const BARRIER_STATUSES = {
  inProgress: 'IN_PROGRESS',
  failed: 'FAILED',
  completed: 'COMPLETED',
  deadLettered: 'DEAD_LETTERED',
} as const;
export type BarrierStatus = (typeof BARRIER_STATUSES)[keyof typeof BARRIER_STATUSES];

/** Row types of migration 101 (bigint columns come back as strings on MySQL: read them with Number()). */
export interface ConsumerTables {
  txc_consume_barrier: {
    group_id: string;
    dedup_key: string;
    status: BarrierStatus;
    payload_hash: string;
    message_id: string;
    topic: string;
    tag: string | null;
    event_id: string | null;
    business_key: string | null;
    attempts: number;
    lease_token: string;
    lease_until: number | string;
    next_attempt_at: number | string;
    replay_id: string | null;
    last_error_code: string | null;
    last_error: string | null;
    summary: string | null;
    dead_letter_id: string | null;
    dlq_published_at: number | string | null;
    created_at: number | string;
    updated_at: number | string;
    completed_at: number | string | null;
  };
  txc_consume_attempt: {
    id: Generated<number>;
    group_id: string;
    dedup_key: string;
    attempt: number;
    message_id: string;
    delivery_count: number | null;
    started_at: number | string;
    finished_at: number | string;
    outcome: string;
    error_code: string | null;
    error_message: string | null;
  };
  txc_consume_conflict: {
    id: Generated<number>;
    group_id: string;
    dedup_key: string;
    message_id: string;
    stored_hash: string;
    received_hash: string;
    body: string;
    detected_at: number | string;
  };
}

export type BarrierRow = ConsumerTables['txc_consume_barrier'];
