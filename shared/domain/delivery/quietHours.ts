import { TOUCHPOINT_KINDS } from '../touchpoints/touchpointStatus';

/** Beijing time is UTC+8 all year (no daylight saving): a fixed offset is exact. */
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
/** No marketing SMS from 22:00 to 08:00 Beijing time. */
export const SMS_QUIET_START_HOUR = 22;
export const SMS_QUIET_END_HOUR = 8;

/**
 * When a touch-point may be sent: `now` itself, or the end of quiet hours (08:00 Beijing time) for an
 * SMS sent between 22:00 and 08:00 — unless it is a transaction notice, which the customer must get
 * at once. Other channels (app push, WeChat) have no quiet hours: the customer's device decides.
 */
export function earliestSendTime(now: number, channel: string, kind: string): number {
  if (channel !== 'sms' || kind === TOUCHPOINT_KINDS.transactionNotice) return now;
  const local = now + BEIJING_OFFSET_MS;
  const hour = Math.floor((local % DAY_MS) / 3_600_000);
  if (hour >= SMS_QUIET_END_HOUR && hour < SMS_QUIET_START_HOUR) return now;
  const dayStart = local - (local % DAY_MS);
  const end = dayStart + SMS_QUIET_END_HOUR * 3_600_000 + (hour >= SMS_QUIET_START_HOUR ? DAY_MS : 0);
  return end - BEIJING_OFFSET_MS;
}
