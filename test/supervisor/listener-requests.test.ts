/**
 * Requests made from inside an event listener (a stop, a signal, a remove) are applied in order, after the
 * change being reported, and every promise they return settles.
 */
import { describe, expect } from 'vitest';
import type { ProcessStateEvent, SupervisorError } from '../../src/index.js';
import { it, prog } from '../helpers/core.js';

const outcome = (p: Promise<unknown>) =>
  p.then(
    (v) => ({ ok: v }),
    (e: SupervisorError) => ({ error: e.message }),
  );

describe('requests from event listeners', () => {
  it('a stop asked for from a PROCESS_STATE_STARTING listener stops the child and settles', async ({
    supervise,
  }) => {
    const h = supervise({ programs: { a: prog([], { autostart: false, startsecs: 5 }) } });
    await h.sup.start();
    let stop: Promise<unknown> | undefined;
    h.sup.once('PROCESS_STATE_STARTING', () => {
      stop = outcome(h.sup.stopProcess('a'));
    });
    const start = await outcome(h.sup.startProcess('a'));
    expect(await stop).toEqual({ ok: true });
    // The start was cut short by the stop, as when supervisorctl stops a process that is starting.
    expect(start).toEqual({ error: 'ABNORMAL_TERMINATION: a' });
    expect(h.seq('a')).toEqual(['STOPPED->STARTING tries:0', 'STARTING->STOPPING', 'STOPPING->STOPPED']);
    expect(h.sup.getProcess('a')!.pid).toBe(0);
  });

  it('a stop asked for on the Process object from its own STARTING listener settles too', async ({
    supervise,
  }) => {
    const h = supervise({ programs: { a: prog([], { autostart: false, startsecs: 5 }) } });
    await h.sup.start();
    const a = h.sup.getProcess('a')!;
    let stop: Promise<unknown> | undefined;
    a.once('PROCESS_STATE_STARTING', () => {
      stop = outcome(a.stop());
    });
    await outcome(a.start());
    expect(await stop).toEqual({ ok: true });
    expect(a.state).toBe('STOPPED');
  });

  it('a signal asked for from a STARTING listener reaches the child', async ({ supervise }) => {
    const h = supervise({
      programs: { a: prog([], { autostart: false, startsecs: 30, startretries: 0 }) },
    });
    await h.sup.start();
    let signal: Promise<unknown> | undefined;
    h.sup.once('PROCESS_STATE_STARTING', () => {
      signal = outcome(h.sup.signalProcess('a', 'KILL'));
    });
    const start = await outcome(h.sup.startProcess('a'));
    expect(await signal).toEqual({ ok: true });
    // Killed within startsecs: a failed start, not a child left running.
    expect(start).toEqual({ error: 'SPAWN_ERROR: a' });
    expect(h.seq('a')).toEqual(['STOPPED->STARTING tries:0', 'STARTING->BACKOFF tries:1', 'BACKOFF->FATAL']);
  });

  it('requests from one listener are applied in the order they were made', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([], { autostart: false, startsecs: 5 }) } });
    await h.sup.start();
    const order: string[] = [];
    h.sup.once('PROCESS_STATE_STARTING', () => {
      void outcome(h.sup.stopProcess('a')).then((r) => order.push(`stop ${JSON.stringify(r)}`));
      void outcome(h.sup.stopProcess('a', false)).then((r) => order.push(`stop2 ${JSON.stringify(r)}`));
    });
    await outcome(h.sup.startProcess('a'));
    await h.reach('a', 'STOPPED');
    await expect.poll(() => order.length).toBe(2);
    // The second stop finds the process STOPPING: supervisord's NOT_RUNNING.
    expect(order).toContain('stop2 {"error":"NOT_RUNNING: a"}');
    expect(order).toContain('stop {"ok":true}');
  });

  it('a group removed from an EXITED listener stays removed', async ({ supervise }) => {
    const h = supervise({
      programs: {
        a: prog(['--exit=0'], { autorestart: true, startsecs: 0 }),
        b: prog(['--exit=0'], { autostart: false, autorestart: true, startsecs: 0 }),
      },
    });
    let removed: Promise<unknown> | undefined;
    h.sup.once('PROCESS_STATE_EXITED', (e: ProcessStateEvent) => {
      if (e.processName === 'a') removed = outcome(h.sup.removeProcessGroup('a'));
    });
    await h.sup.start();
    await h.reach('a', 'EXITED');
    expect(await removed).toEqual({ ok: true });
    expect(h.sup.getGroup('a')).toBeUndefined();
    // Automatic restarts run in the order they were queued: once b has been restarted, a restart of a
    // queued before would have run.
    await h.sup.startProcess('b', false);
    await h.reach('b', 'STARTING', 2);
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->EXITED expected:1',
    ]);
  });
});
