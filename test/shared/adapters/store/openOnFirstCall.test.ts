import { describe, expect, it } from 'vitest';
import { openOnce, openOnFirstCall } from '../../../../shared/adapters/store/openOnFirstCall';

interface Counter {
  add(n: number): Promise<number>;
  total(): Promise<number>;
}

function counter(): Counter {
  let sum = 0;
  return { add: async (n) => (sum += n), total: async () => sum };
}

describe('Function: openOnFirstCall', () => {
  it('opens nothing until a method is called, then opens once for concurrent callers', async () => {
    let opens = 0;
    const stand = openOnFirstCall<Counter>(async () => {
      opens += 1;
      return counter();
    });
    expect(opens).toBe(0);
    expect(await Promise.all([stand.add(2), stand.add(3)])).toEqual([2, 5]);
    expect(await stand.total()).toBe(5);
    expect(opens).toBe(1);
  });

  it('passes a failed open to the caller and retries it on the next call', async () => {
    let attempts = 0;
    const stand = openOnFirstCall<Counter>(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('database down');
      return counter();
    });
    await expect(stand.add(1)).rejects.toThrow('database down');
    expect(await stand.add(1)).toBe(1);
    expect(attempts).toBe(2);
  });

  it('is not a thenable, so awaiting the stand-in opens nothing', async () => {
    let opens = 0;
    const stand = openOnFirstCall<Counter>(async () => {
      opens += 1;
      return counter();
    });
    expect(await stand).toBe(stand);
    expect(opens).toBe(0);
  });
});

describe('Function: openOnce', () => {
  it('shares one open between callers and retries a failed one', async () => {
    let attempts = 0;
    const open = openOnce(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('database down');
      return attempts;
    });
    await expect(open()).rejects.toThrow('database down');
    expect(await Promise.all([open(), open()])).toEqual([2, 2]);
    expect(attempts).toBe(2);
  });
});
