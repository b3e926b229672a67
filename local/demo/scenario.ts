import { journeyIdOf } from '../../shared/domain/journeys/purchaseFollowUps';
import { fenToYuan } from '../../shared/engines/events/discountPurchase';

/** What the demo does to one purchase (the trading system's `x-demo-fault` values). */
export const PURCHASE_FAULTS = {
  none: 'none',
  /** The main transaction (wallet top-up) fails → rollback, nothing delivered. */
  failMain: 'fail-main',
  /** The commit is lost on the wire → check-back commits from the barrier. */
  dropCommit: 'drop-commit',
  /** The trading system "crashes" right after its main transaction → check-back commits. */
  crashAfterMain: 'crash-after-main',
  /** The slave call fails once → the consumer retries, one effect. */
  slaveFailOnce: 'slave-fail:1',
  /** The slave call keeps failing → dead letter + one alert, then a replay after the fix. */
  slaveFailAlways: 'slave-fail:always',
  /** The fund closes to subscriptions before the slave call → refused for good: FUND_PURCHASE_REFUSED, money stays in the wallet, the customer is told. */
  slaveRefused: 'slave-refuse:fund-closed',
} as const;
export type PurchaseFault = (typeof PURCHASE_FAULTS)[keyof typeof PURCHASE_FAULTS];

export interface PlannedPurchase {
  readonly index: number;
  readonly customerId: string;
  readonly fundCode: string;
  readonly fundName: string;
  readonly amount: string;
  readonly fault: PurchaseFault;
}

export interface DemoCustomer {
  readonly customerId: string;
  readonly riskLevel: 'C2' | 'C3' | 'C4';
  /** Wallet balance before the demo, fen. */
  readonly openingFen: number;
}

/** Target funds of the demo (fictional; six-digit codes, risk R1–R5). */
export const DEMO_FUNDS = [
  { code: '110011', name: '均衡成长混合 Balanced Growth Hybrid', risk: 'R3' },
  { code: '161725', name: '消费精选指数 Consumer Select Index', risk: 'R4' },
  { code: '000001', name: '稳健收益债券 Steady Income Bond', risk: 'R2' },
  { code: '519674', name: '科技创新股票 Tech Innovation Equity', risk: 'R4' },
] as const;

export const DEMO_CUSTOMERS: readonly DemoCustomer[] = [
  { customerId: 'C10001', riskLevel: 'C3', openingFen: 200_000 },
  { customerId: 'C10002', riskLevel: 'C4', openingFen: 0 },
  { customerId: 'C10003', riskLevel: 'C2', openingFen: 50_000 },
  { customerId: 'C10004', riskLevel: 'C3', openingFen: 1_234_56 },
  { customerId: 'C10005', riskLevel: 'C4', openingFen: 0 },
  { customerId: 'C10006', riskLevel: 'C3', openingFen: 880_00 },
];

/** Deterministic pseudo-random numbers (same demo every run). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A realistic mix of `count` discount purchases: most succeed; every tenth fails its main
 * transaction; every tenth (offset) loses its commit; every twentieth crashes after the main
 * transaction; one slave call fails once, one keeps failing (dead letter, alert, replay) and one is
 * refused for good (the fund closed to subscriptions: a final state, the customer told).
 */
export function planPurchases(count: number): PlannedPurchase[] {
  const random = lcg(20_240_601);
  return Array.from({ length: count }, (_, index) => {
    const customer = DEMO_CUSTOMERS[index % DEMO_CUSTOMERS.length]!;
    const fund = DEMO_FUNDS[Math.floor(random() * DEMO_FUNDS.length)]!;
    // 100.00 … 50,000.00 yuan with cents, skewed towards small tickets.
    const amountFen = 10_000 + Math.floor(random() ** 2 * 4_990_000);
    let fault: PurchaseFault = PURCHASE_FAULTS.none;
    if (index === 3) fault = PURCHASE_FAULTS.slaveFailAlways;
    else if (index === 2) fault = PURCHASE_FAULTS.slaveRefused;
    else if (index === 5) fault = PURCHASE_FAULTS.slaveFailOnce;
    else if (index % 10 === 1) fault = PURCHASE_FAULTS.failMain;
    else if (index % 10 === 7) fault = PURCHASE_FAULTS.dropCommit;
    else if (index % 20 === 9) fault = PURCHASE_FAULTS.crashAfterMain;
    return { index, customerId: customer.customerId, fundCode: fund.code, fundName: fund.name, amount: fenToYuan(amountFen), fault };
  });
}

/** A companion event the companion platform publishes through tx-gateway as a plain event (`POST /v1/events`). */
export interface CompanionEvent {
  readonly tag: 'OPERATIONS' | 'CUSTOMER_SERVICE' | 'ORCHESTRATION';
  readonly businessKey: string;
  readonly title: string;
  readonly payload: Record<string, unknown>;
  /** Published after the purchases (e.g. closing a ticket opened earlier). */
  readonly late?: boolean;
}

/**
 * Companion events for every tag, in Chinese and English, including one that compliance must flag.
 * The journey's 投中 step is not here: the orchestration consumer publishes it when a purchase completes.
 */
export function planCompanionEvents(runId: string): CompanionEvent[] {
  const ticket = `TK${runId}`;
  return [
    {
      tag: 'OPERATIONS',
      businessKey: `ops-${runId}-1`,
      title: '市场波动提醒',
      payload: {
        customerId: 'C10001',
        channel: 'app',
        title: '市场波动提醒 Market volatility reminder',
        content: '近期A股波动加大，建议您保持长期投资心态，按计划定投。Markets are volatile; stay with your long-term plan.',
        productCode: '110011',
        productRisk: 'R3',
        customerRiskLevel: 'C3',
      },
    },
    {
      tag: 'OPERATIONS',
      businessKey: `ops-${runId}-2`,
      title: '优惠购费率活动（含违规承诺）',
      payload: {
        customerId: 'C10003',
        channel: 'sms',
        title: '优惠购0费率 Zero-fee discount purchase',
        content: '钱包优惠购0费率，本基金保本保收益，稳赚不赔！Guaranteed returns, principal protected!',
        productCode: '161725',
        productRisk: 'R4',
        customerRiskLevel: 'C2',
      },
    },
    {
      tag: 'CUSTOMER_SERVICE',
      businessKey: `cs-${runId}-open`,
      title: '赎回到账咨询 (open)',
      payload: {
        action: 'open',
        ticketNo: ticket,
        customerId: 'C10002',
        category: 'redemption',
        subject: '赎回款何时到账？When will my redemption arrive?',
        priority: 'normal',
        note: '客户来电询问T+1到账规则',
      },
    },
    {
      tag: 'CUSTOMER_SERVICE',
      businessKey: `cs-${runId}-close`,
      title: '赎回到账咨询 (close)',
      payload: {
        action: 'close',
        ticketNo: ticket,
        customerId: 'C10002',
        category: 'redemption',
        subject: '赎回款何时到账？When will my redemption arrive?',
        priority: 'normal',
        note: '已解释T+1规则，客户满意 Explained T+1 settlement; resolved',
      },
      late: true,
    },
    {
      tag: 'ORCHESTRATION',
      businessKey: `orch-${runId}-pre`,
      title: '投前：风险测评提醒',
      payload: {
        journeyId: journeyIdOf('C10001'),
        customerId: 'C10001',
        stage: 'pre',
        step: 'risk-assessment',
        title: '投前陪伴 Before you invest',
        content: '请先完成风险测评，了解产品风险等级与您的风险承受能力是否匹配。Please complete the risk assessment first.',
        customerRiskLevel: 'C3',
      },
    },
    {
      tag: 'ORCHESTRATION',
      businessKey: `orch-${runId}-post`,
      title: '投后：持仓回顾',
      payload: {
        journeyId: journeyIdOf('C10001'),
        customerId: 'C10001',
        stage: 'post',
        step: 'holding-review',
        title: '投后陪伴 Holding review',
        content: '本季度组合回顾：请关注资产配置与再平衡。Quarterly review: check your allocation.',
        productCode: '110011',
        productRisk: 'R3',
        customerRiskLevel: 'C3',
      },
      late: true,
    },
  ];
}
