import { describe, expect, it } from 'vitest';
import type { InvocationContext, TimerEvent } from '../../../../../shared/engines/invocation/InvocationContext';
import { parseTimerEvent, timerHandler } from '../../../../../shared/adapters/fc/timer';
import type { Logger } from '../../../../../shared/logger';
import { asEventBuffer, fcContext, timerEvent } from '../../../../helpers/fcEvents';

function recordingLogger() {
  const lines: { level: string; fields: object }[] = [];
  const logger: Logger = {
    debug: (fields) => void lines.push({ level: 'debug', fields }),
    info: (fields) => void lines.push({ level: 'info', fields }),
    warn: (fields) => void lines.push({ level: 'warn', fields }),
    error: (fields) => void lines.push({ level: 'error', fields }),
    child: () => logger,
  };
  return { logger, lines };
}

describe('Function: parseTimerEvent', () => {
  it('reads the FC timer event and defaults a missing payload to empty', () => {
    expect(parseTimerEvent(asEventBuffer({ triggerTime: '2023-12-26T07:49:00Z', triggerName: 'every-minute' }))).toEqual({
      triggerTime: '2023-12-26T07:49:00Z',
      triggerName: 'every-minute',
      payload: '',
    });
  });

  it('names the bad field', () => {
    expect(() => parseTimerEvent(asEventBuffer({ triggerTime: 'yesterday', triggerName: 'x' }))).toThrow(/triggerTime/);
    expect(() => parseTimerEvent('[')).toThrow(expect.objectContaining({ code: 'TIMER_EVENT_INVALID' }));
  });
});

describe('Function: timerHandler', () => {
  it('passes the parsed event and a context with the function deadline to the app', async () => {
    const seen: { event?: TimerEvent; context?: InvocationContext } = {};
    const handler = timerHandler(async (event, context) => {
      Object.assign(seen, { event, context });
      return { checked: 3 };
    });
    const result = await handler(asEventBuffer(timerEvent({ payload: 'full' })), fcContext({ name: 'tx-checkback', timeout: 60 }));
    expect(result).toEqual({ checked: 3 });
    expect(seen.event).toEqual(timerEvent({ payload: 'full' }));
    expect(seen.context?.functionName).toBe('tx-checkback');
    expect(seen.context?.remainingMs()).toBeGreaterThan(59_000);
  });

  it('returns a logged, typed failure for a malformed event without running the app', async () => {
    const { logger, lines } = recordingLogger();
    let ran = false;
    const result = await timerHandler(async () => (ran = true), { logger })(Buffer.from('{"payload":1}'), fcContext());
    expect(result).toMatchObject({ ok: false, code: 'TIMER_EVENT_INVALID' });
    expect(ran).toBe(false);
    expect(lines).toEqual([expect.objectContaining({ level: 'error', fields: expect.objectContaining({ code: 'TIMER_EVENT_INVALID' }) })]);
  });

  it('lets app errors propagate so FC records the failure', async () => {
    const handler = timerHandler(async () => {
      throw new Error('broker down');
    });
    await expect(handler(asEventBuffer(timerEvent()), fcContext())).rejects.toThrow('broker down');
  });

  it('completes through the FC 2.0 callback when one is passed', async () => {
    const outcome = await new Promise<{ error: Error | null; result?: unknown }>((resolve) => {
      void timerHandler(async (event) => event.triggerName)(
        asEventBuffer(timerEvent({ triggerName: 'five' })),
        fcContext(),
        (error, result) => resolve({ error, result }),
      );
    });
    expect(outcome).toEqual({ error: null, result: 'five' });
  });
});
