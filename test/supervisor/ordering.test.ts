/**
 * Ordering with real children: start() and startAllProcesses by ascending priority, stopAllProcesses by
 * ascending priority all at once, shutdown() group by group from the highest priority down, waiting for
 * each (`supervisord.py runforever`, `ordered_stop_groups_phase_1/2`, `rpcinterface.py make_allfunc`;
 * reference §7). Also disposal: `await using` and shutdown leave no child behind.
 */
import { describe, expect } from 'vitest';
import { Supervisor, type SupervisorEvent } from '../../src/index.js';
import { FAIL_SECS, it, prog } from '../helpers/core.js';
import { pidAlive } from '../helpers/pids.js';
import { EventRecorder } from '../helpers/wait.js';

/** Four groups: three programs with priorities 10/20/30, and a `groups` entry at 40 with x (5) and y (1). */
const config = {
  programs: {
    high: prog([], { priority: 30 }),
    low: prog([], { priority: 10 }),
    mid: prog([], { priority: 20 }),
    x: prog([], { priority: 5 }),
    y: prog([], { priority: 1 }),
  },
  groups: { g: { programs: ['x', 'y'], priority: 40 } },
};

/** The events whose order matters here (not output, not TICK_*). */
const ordered = (e: SupervisorEvent): boolean =>
  /^(PROCESS_STATE|PROCESS_GROUP|SUPERVISOR_STATE_CHANGE)_/.test(e.type);

const label = (e: SupervisorEvent): string =>
  'processName' in e && e.type.startsWith('PROCESS_STATE')
    ? `${e.type.slice('PROCESS_STATE_'.length)} ${e.processName}`
    : 'groupName' in e
      ? `${e.type} ${e.groupName}`
      : e.type;

describe.concurrent('ordering', () => {
  it('start(): PROCESS_GROUP_ADDED per group, SUPERVISOR_STATE_CHANGE_RUNNING, then STARTING group by group', async ({
    supervise,
  }) => {
    const h = supervise(config);
    const all = new EventRecorder<SupervisorEvent>(h.sup, 'EVENT');
    await h.sup.start();
    // Every autostart process is spawned at once; nothing waits for a lower priority to be RUNNING.
    expect(h.sup.processes.every((p) => p.state === 'STARTING')).toBe(true);
    expect(all.events.filter(ordered).map(label)).toEqual([
      'PROCESS_GROUP_ADDED low',
      'PROCESS_GROUP_ADDED mid',
      'PROCESS_GROUP_ADDED high',
      'PROCESS_GROUP_ADDED g',
      'SUPERVISOR_STATE_CHANGE_RUNNING',
      'STARTING low',
      'STARTING mid',
      'STARTING high',
      // Autostart walks a group's processes in configuration order (programs: x, y), not by process
      // priority, as supervisord's ProcessGroup.transition does (checked against supervisord 4.2.5).
      'STARTING x',
      'STARTING y',
    ]);
    all.dispose();
  });

  it('stopAllProcesses signals everything at once in ascending priority; startAllProcesses likewise', async ({
    supervise,
  }) => {
    const h = supervise(config);
    await h.sup.start();
    for (const p of ['low', 'mid', 'high', 'x', 'y']) await h.reach(p, 'RUNNING');

    const from = h.states.events.length;
    await h.sup.stopAllProcesses();
    const stopEvents = h.states.events.slice(from).map((e) => `${e.state} ${e.processName}`);
    expect(stopEvents.filter((e) => e.startsWith('STOPPING'))).toEqual([
      'STOPPING low',
      'STOPPING mid',
      'STOPPING high',
      'STOPPING y',
      'STOPPING x',
    ]);
    // All stop signals went out before any process was reaped.
    expect(stopEvents.slice(0, 5).every((e) => e.startsWith('STOPPING'))).toBe(true);

    const from2 = h.states.events.length;
    await h.sup.startAllProcesses(false);
    expect(h.states.events.slice(from2).map((e) => `${e.state} ${e.processName}`)).toEqual([
      'STARTING low',
      'STARTING mid',
      'STARTING high',
      'STARTING y',
      'STARTING x',
    ]);
  });

  it('shutdown(): STOPPING event, then one group at a time from the highest priority, waiting for each', async ({
    supervise,
  }) => {
    const h = supervise(config);
    await h.sup.start();
    for (const p of ['low', 'mid', 'high', 'x', 'y']) await h.reach(p, 'RUNNING');
    const pids = h.sup.processes.map((p) => p.pid);
    const all = new EventRecorder<SupervisorEvent>(h.sup, 'EVENT');
    await h.sup.shutdown();
    expect(all.events.filter(ordered).map(label)).toEqual([
      'SUPERVISOR_STATE_CHANGE_STOPPING',
      // Within a group, descending process priority, all signalled before waiting.
      'STOPPING x',
      'STOPPING y',
      expect.stringMatching(/^STOPPED [xy]$/),
      expect.stringMatching(/^STOPPED [xy]$/),
      'STOPPING high',
      'STOPPED high',
      'STOPPING mid',
      'STOPPED mid',
      'STOPPING low',
      'STOPPED low',
    ]);
    all.dispose();
    expect(pids.filter(pidAlive)).toEqual([]);
  });

  it('shutdown() gives up BACKOFF processes (FATAL) and escalates to SIGKILL when needed', async ({
    supervise,
  }) => {
    const h = supervise({
      programs: {
        flaky: prog(['--exit=1'], { startsecs: FAIL_SECS, startretries: 5 }),
        stubborn: prog(['--ignore=TERM'], { stopwaitsecs: 0.5 }),
        slow: prog([], { startsecs: 10 }),
      },
    });
    await h.sup.start();
    await h.reach('flaky', 'BACKOFF');
    await h.reach('stubborn', 'RUNNING');
    await h.waitOutput('stubborn', /^ready$/m);
    expect(h.sup.getProcess('slow')!.state).toBe('STARTING');
    await h.sup.shutdown();
    expect(h.seq('flaky').slice(-1)).toEqual(['BACKOFF->FATAL']);
    expect(h.seq('stubborn').slice(-2)).toEqual(['RUNNING->STOPPING', 'STOPPING->STOPPED']);
    expect(h.seq('slow')).toEqual(['STOPPED->STARTING tries:0', 'STARTING->STOPPING', 'STOPPING->STOPPED']);
    // No automatic start happens once the shutdown began: no STARTING after the FATAL.
    expect(h.sup.processes.map((p) => p.state).sort()).toEqual(['FATAL', 'STOPPED', 'STOPPED']);
  });

  it('an exit during shutdown is not restarted', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([], { autorestart: true }) } });
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    await h.sup.shutdown();
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->STOPPING',
      'STOPPING->STOPPED',
    ]);
  });
});

describe.concurrent('disposal', () => {
  it('`await using` shuts the supervisor down at the end of the scope; no child survives', async ({
    tmp,
  }) => {
    let pids: number[] = [];
    let sup: Supervisor | undefined;
    {
      await using s = new Supervisor({
        childlogdir: tmp,
        programs: {
          a: prog([], { numprocs: 3, processName: 'a%(process_num)d' }),
          b: prog(['--ignore=TERM'], { stopwaitsecs: 0.5 }),
        },
      });
      sup = s;
      const running = new EventRecorder(s, 'PROCESS_STATE_RUNNING');
      await s.start();
      await running.nth(() => true, 4);
      running.dispose();
      pids = s.processes.map((p) => p.pid);
      expect(pids.every(pidAlive)).toBe(true);
    }
    expect(await sup.getState()).toEqual({ statecode: -1, statename: 'SHUTDOWN' });
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(sup.processes.map((p) => p.state)).toEqual(['STOPPED', 'STOPPED', 'STOPPED', 'STOPPED']);
  });

  it('shutdown() twice returns the same promise; shutdown before start is immediate', async ({
    supervise,
  }) => {
    const h = supervise({ programs: { a: prog([]) } });
    await h.sup.start();
    const first = h.sup.shutdown();
    expect(h.sup.shutdown()).toBe(first);
    await first;

    const idle = supervise({ programs: { a: prog([]) } });
    await idle.sup.shutdown();
    expect(idle.states.events).toEqual([]);
    await expect(idle.sup.start()).rejects.toMatchObject({ code: 'SHUTDOWN_STATE' });
  });
});
