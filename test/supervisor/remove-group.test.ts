/**
 * Removing a group cancels everything queued for its processes: a paced restart, a backoff retry. Nothing
 * of a removed group runs again.
 */
import { describe, expect } from 'vitest';
import { it, prog } from '../helpers/core.js';

describe('removeProcessGroup', () => {
  it('cancels the paced restart of an EXITED autorestart process', async ({ supervise }) => {
    const h = supervise({
      programs: {
        a: prog(['--exit=0'], { autorestart: true, startsecs: 0 }),
        b: prog(['--exit=0'], { autostart: false, autorestart: true, startsecs: 0 }),
      },
    });
    await h.sup.start();
    // The restart of a is queued for a later turn when EXITED is reported; the removal comes first.
    await h.reach('a', 'EXITED');
    expect(await h.sup.removeProcessGroup('a')).toBe(true);
    // Restarts are paced in the order they were queued: once b has been restarted, a's would have run.
    await h.sup.startProcess('b', false);
    await h.reach('b', 'STARTING', 2);
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->EXITED expected:1',
    ]);
    expect(h.sup.getProcess('a')).toBeUndefined();
  });

  it('rejects the pending waits of its processes with WAIT_FAILED', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([], { autostart: false }) } });
    await h.sup.start();
    const a = h.sup.getProcess('a')!;
    const controller = new AbortController();
    const state = a.waitForState('RUNNING', { signal: controller.signal });
    const output = h.sup.waitForOutput('a', 'never printed');
    await h.sup.removeProcessGroup('a');
    await expect(state).rejects.toThrow('WAIT_FAILED: a was removed with its group a');
    await expect(output).rejects.toMatchObject({ code: 'WAIT_FAILED' });
    // The caller's signal no longer holds a listener of ours: aborting it now changes nothing.
    controller.abort();
  });
});
