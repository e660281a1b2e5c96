// The real clock's timers take any delay: Node fires a timer longer than 2^31 - 1 ms at once (with a
// TimeoutOverflowWarning), and startsecs or stopwaitsecs of a month would ask for one.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock.js';

const MAX = 2 ** 31 - 1;

describe('systemClock.setTimer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits the whole of a delay longer than a Node timer holds', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const fn = vi.fn();
    systemClock.setTimer(MAX * 2 + 5, fn);
    vi.advanceTimersByTime(MAX);
    vi.advanceTimersByTime(MAX);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(5);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('cancels a long timer in any of its stretches', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const fn = vi.fn();
    const handle = systemClock.setTimer(MAX * 3, fn);
    vi.advanceTimersByTime(MAX + 10);
    systemClock.clearTimer(handle);
    vi.advanceTimersByTime(MAX * 3);
    expect(fn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
