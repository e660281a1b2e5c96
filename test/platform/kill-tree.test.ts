/**
 * terminateTree on a real child that ignores SIGTERM, timed by a ManualClock: SIGKILL comes when the clock
 * says the grace period is over, not when real time does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { groupExists, sendSignal, startTimeOf, terminateTree } from '../../src/platform/kill-tree.js';
import { killQuietly, pidAlive } from '../helpers/pids.js';
import { waitUntil } from '../helpers/wait.js';

let child: ChildProcess | undefined;

afterEach(() => {
  if (child?.pid) killQuietly(-child.pid);
  child = undefined;
});

/** A child in its own process group that ignores SIGTERM and says "ready" once it does. */
async function stubbornChild(): Promise<ChildProcess> {
  const c = spawn(
    process.execPath,
    ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);"],
    { detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  child = c;
  await once(c.stdout!, 'data');
  return c;
}

describe.runIf(process.platform !== 'win32')('terminateTree with a ManualClock', () => {
  it('waits graceMs of clock time before SIGKILL, and pauses between looks on the clock', async () => {
    const c = await stubbornChild();
    const pid = c.pid!;
    const exited = once(c, 'exit');
    const clock = new ManualClock();
    const done = terminateTree(
      { groups: [{ pgid: pid, start: startTimeOf(pid) }] },
      { graceMs: 1000, pollMs: 1000, clock },
    );

    // SIGTERM is sent and the first pause is on the clock: nothing else happens until it moves.
    expect(clock.pending).toBe(1);
    clock.advance(999);
    expect(clock.pending).toBe(1);
    expect(pidAlive(pid)).toBe(true);

    clock.advance(1); // the grace period is over: the next look sends SIGKILL
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect([code, signal]).toEqual([null, 'SIGKILL']);

    // The wait after SIGKILL pauses on the clock too; the next look finds nothing left.
    await waitUntil(() => clock.pending === 1, 'the post-SIGKILL pause is scheduled');
    clock.advance(1000);
    expect(await done).toEqual({ terminated: [pid], killed: [pid], survivors: [] });
    expect(clock.pending).toBe(0);
  });
});

describe.runIf(process.platform !== 'win32')('groupExists and sendSignal', () => {
  it('see a live group, then none once its leader is reaped, and leave stack traces as they were', async () => {
    const c = spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' });
    child = c;
    await once(c, 'spawn');
    const pid = c.pid!;
    const limit = Error.stackTraceLimit;
    expect(groupExists(pid)).toBe(true);
    expect(sendSignal(pid, 0)).toBe(true);
    const exited = once(c, 'exit');
    expect(sendSignal(-pid, 'SIGKILL')).toBe(true);
    await exited;
    expect(groupExists(pid)).toBe(false);
    expect(sendSignal(pid, 'SIGTERM')).toBe(false);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('x').stack).toContain('kill-tree.test');
  });
});
