/**
 * Every wait settles: at shutdown the pending ones reject with SHUTDOWN_STATE, and waits asked for after it
 * reject at once.
 */
import { describe, expect } from 'vitest';
import { Supervisor } from '../../src/index.js';
import { it, prog } from '../helpers/core.js';

describe('waits at shutdown', () => {
  it('waitForState, waitForOutput and waitForReady reject with SHUTDOWN_STATE', async ({ supervise }) => {
    const h = supervise({
      programs: {
        a: prog([], { autostart: false }),
        b: prog(['--exit=1'], { autorestart: false, startsecs: 30 }),
      },
    });
    await h.sup.start();
    const a = h.sup.getProcess('a')!;
    const state = a.waitForState('RUNNING');
    const output = a.waitForOutput(/never/);
    const ready = h.sup.waitForReady();
    await h.sup.shutdown();
    await expect(state).rejects.toMatchObject({ code: 'SHUTDOWN_STATE' });
    await expect(output).rejects.toMatchObject({ code: 'SHUTDOWN_STATE' });
    await expect(ready).rejects.toMatchObject({ code: 'SHUTDOWN_STATE' });
    await expect(a.waitForState('RUNNING')).rejects.toMatchObject({ code: 'SHUTDOWN_STATE' });
  });

  it('a wait asked for after shutdown rejects at once', async () => {
    const sup = new Supervisor({ programs: { a: prog([]) } });
    await sup.shutdown();
    await expect(sup.waitForReady()).rejects.toMatchObject({ code: 'SHUTDOWN_STATE' });
    await expect(sup.waitForSettled()).rejects.toMatchObject({ code: 'SHUTDOWN_STATE' });
  });

  it('an abort removes the listener it added to the signal', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([], { autostart: false }) } });
    await h.sup.start();
    const controller = new AbortController();
    let listeners = 0;
    const { signal } = controller;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => (
      listeners++,
      add(...args)
    )) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => (
      listeners--,
      remove(...args)
    )) as typeof remove;
    const wait = h.sup.waitForState('a', 'RUNNING', { signal });
    expect(listeners).toBe(1);
    await h.sup.removeProcessGroup('a');
    await expect(wait).rejects.toMatchObject({ code: 'WAIT_FAILED' });
    expect(listeners).toBe(0);
  });
});
