import type { CatalogInput } from './schema';

/**
 * The catalog as data: the single source of topics, tags (scenarios), subscriber groups and functions
 * used by tx-gateway's validation, the consumers, the local runtime and the deployment.
 * A new scenario is an entry here plus a handler, not a new system (DESIGN.md §1.6).
 */
export const CATALOG_DATA: CatalogInput = {
  topics: [
    {
      name: 'TXC_COMPANION',
      // Plain hand-offs (POST /v1/events): no local transaction has to be atomic with them (DESIGN.md §1.5).
      description: 'Companion system (陪伴体系) hand-offs between heterogeneous systems, one tag per category',
      messageType: 'normal',
      tags: [
        { name: 'OPERATIONS', description: 'operations messages (运营), the source’s TagA' },
        { name: 'CUSTOMER_SERVICE', description: 'customer-service messages (客服), the source’s TagB' },
        { name: 'ORCHESTRATION', description: 'companion orchestration messages (编排), the source’s TagC' },
      ],
    },
    {
      name: 'TXC_FUND_TRADE',
      description: 'Fund trading distributed transactions',
      messageType: 'transactional',
      tags: [
        {
          name: 'DISCOUNT_PURCHASE',
          description: 'discount purchase (优惠购): wallet top-up (main) then target-fund purchase (slave)',
          checkImmunitySeconds: 10,
          maxChecks: 15,
          maxAgeSeconds: 3_600,
          undecidedPolicy: 'rollback-and-alert',
        },
      ],
    },
    {
      name: 'TXC_DEAD_LETTER',
      description: 'Messages that exhausted their consumer group’s attempts, with error and attempt history',
      messageType: 'normal',
      tags: [{ name: 'DEAD_LETTER', description: 'a dead letter forwarded by the consumer runtime' }],
    },
  ],
  groups: [
    { id: 'GID_TXC_OPS', topic: 'TXC_COMPANION', tagExpression: 'OPERATIONS', description: 'operations system: customer touch-points' },
    {
      id: 'GID_TXC_CS',
      topic: 'TXC_COMPANION',
      tagExpression: 'CUSTOMER_SERVICE',
      description: 'customer-service system: service tickets',
    },
    { id: 'GID_TXC_ORCH', topic: 'TXC_COMPANION', tagExpression: 'ORCHESTRATION', description: 'companion orchestration: journeys' },
    {
      id: 'GID_TXC_ORCH_TRADE',
      topic: 'TXC_FUND_TRADE',
      tagExpression: 'DISCOUNT_PURCHASE',
      description: 'orchestration: discount-purchase slave transaction',
    },
    {
      id: 'GID_TXC_COMPLIANCE',
      topic: 'TXC_COMPANION',
      tagExpression: 'OPERATIONS||ORCHESTRATION',
      description: 'compliance review of operations and companion content',
    },
    { id: 'GID_TXC_DATACENTER', topic: 'TXC_COMPANION', tagExpression: '*', description: 'data center archive of every companion event' },
    {
      id: 'GID_TXC_DATACENTER_TRADE',
      topic: 'TXC_FUND_TRADE',
      tagExpression: '*',
      description: 'data center archive of every trade event',
    },
    { id: 'GID_TXC_DLQ', topic: 'TXC_DEAD_LETTER', tagExpression: '*', description: 'dead-letter alerter', maxAttempts: 288 },
  ],
  deadLetter: { topic: 'TXC_DEAD_LETTER', tag: 'DEAD_LETTER' },
  checkGroup: 'GID_TXC_CHECKBACK',
  functions: [
    {
      name: 'tx-gateway',
      description: 'prepare / commit / rollback / status of transactions',
      timeoutSeconds: 30,
      triggers: [{ type: 'http', name: 'http', methods: ['GET', 'POST'] }],
    },
    {
      name: 'tx-checkback',
      description: 'drains half-message checks and resolves them from stored state or the business system',
      timeoutSeconds: 60,
      triggers: [{ type: 'timer', name: 'every-minute', cron: '@every 1m' }],
    },
    { name: 'consumer-ops', description: 'operations touch-points', triggers: [{ type: 'mq', name: 'companion', group: 'GID_TXC_OPS' }] },
    { name: 'consumer-cs', description: 'customer-service tickets', triggers: [{ type: 'mq', name: 'companion', group: 'GID_TXC_CS' }] },
    {
      name: 'consumer-orchestration',
      description: 'companion journeys and the discount-purchase slave transaction',
      triggers: [
        { type: 'mq', name: 'companion', group: 'GID_TXC_ORCH' },
        { type: 'mq', name: 'fund-trade', group: 'GID_TXC_ORCH_TRADE' },
      ],
    },
    {
      name: 'consumer-compliance',
      description: 'compliance review',
      triggers: [{ type: 'mq', name: 'companion', group: 'GID_TXC_COMPLIANCE' }],
    },
    {
      name: 'consumer-datacenter',
      description: 'append-only archive of every event',
      triggers: [
        { type: 'mq', name: 'companion', group: 'GID_TXC_DATACENTER' },
        { type: 'mq', name: 'fund-trade', group: 'GID_TXC_DATACENTER_TRADE' },
      ],
    },
    // MQ trigger only: on FC 2.0 a function with an HTTP trigger may have no other trigger, so
    // replay is tx-console's (it uses the same replay engine).
    {
      name: 'dlq-alerter',
      description: 'dead-letter store and alerts',
      triggers: [{ type: 'mq', name: 'dead-letter', group: 'GID_TXC_DLQ' }],
    },
    {
      name: 'tx-console',
      description: 'operations console: web UI, admin JSON API (search, trace, replay, stuck transactions, audit) and Prometheus metrics',
      timeoutSeconds: 60,
      triggers: [{ type: 'http', name: 'http', methods: ['GET', 'POST', 'DELETE'] }],
    },
    {
      name: 'touchpoint-sender',
      description: 'sends approved touch-points through the channel providers (app push, SMS, WeChat)',
      triggers: [{ type: 'timer', name: 'every-minute', cron: '@every 1m' }],
    },
    {
      name: 'reconciler',
      description: 'stuck transactions, missing deliveries, DLQ backlog; repairs and report',
      timeoutSeconds: 120,
      triggers: [{ type: 'timer', name: 'every-5-minutes', cron: '@every 5m' }],
    },
  ],
};
