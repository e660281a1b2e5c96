/**
 * The control API with real children: start/stop with and without waiting, the group and "all" calls and
 * their result structs, faults, signals, stdin, and SHUTDOWN_STATE (`rpcinterface.py`; reference §6).
 */
import { describe, expect } from 'vitest';
import type { SupervisorError } from '../../src/index.js';
import { Faults, type ProcessResult } from '../../src/index.js';
import { FAIL_SECS, it, prog } from '../helpers/core.js';

const ok = (group: string, name: string): ProcessResult => ({
  name,
  group,
  status: Faults.SUCCESS,
  description: 'OK',
});

const byName = (results: ProcessResult[]) => [...results].sort((a, b) => a.name.localeCompare(b.name));

describe.concurrent('start and stop', () => {
  it('startProcess waits for RUNNING; with wait=false it returns during STARTING', async ({ supervise }) => {
    const h = supervise({
      programs: { a: prog([], { autostart: false }), b: prog([], { autostart: false, startsecs: 0.5 }) },
    });
    await h.sup.start();
    expect(await h.sup.startProcess('a')).toBe(true);
    expect(h.sup.getProcess('a')!.state).toBe('RUNNING');
    expect(h.seq('a')).toEqual(['STOPPED->STARTING tries:0', 'STARTING->RUNNING']);

    expect(await h.sup.startProcess('b', false)).toBe(true);
    expect(h.sup.getProcess('b')!.state).toBe('STARTING');
    await h.reach('b', 'RUNNING');
  });

  it('ALREADY_STARTED for STARTING, RUNNING and BACKOFF; NOT_RUNNING for a stopped process', async ({
    supervise,
  }) => {
    const h = supervise({
      programs: {
        a: prog([], { startsecs: 0.5 }),
        f: prog(['--exit=1'], { startsecs: FAIL_SECS, startretries: 3 }),
        s: prog([], { autostart: false }),
      },
    });
    await h.sup.start();
    const fault = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: SupervisorError) => e.message,
      );
    expect(await fault(h.sup.startProcess('a'))).toBe('ALREADY_STARTED: a');
    await h.reach('a', 'RUNNING');
    expect(await fault(h.sup.startProcess('a'))).toBe('ALREADY_STARTED: a');
    await h.reach('f', 'BACKOFF');
    expect(await fault(h.sup.startProcess('f'))).toBe('ALREADY_STARTED: f');
    expect(await fault(h.sup.stopProcess('s'))).toBe('NOT_RUNNING: s');
    expect(await fault(h.sup.signalProcess('s', 'HUP'))).toBe('NOT_RUNNING: s');
    expect(await fault(h.sup.sendProcessStdin('s', 'x'))).toBe('NOT_RUNNING: s');
    await h.sup.stopProcess('f');
  });

  it('ABNORMAL_TERMINATION when a waited-for start ends without a spawn error', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([], { autostart: false, startsecs: 10 }) } });
    await h.sup.start();
    const starting = h.sup.startProcess('a').catch((e: unknown) => e);
    await h.reach('a', 'STARTING');
    await h.sup.stopProcess('a');
    expect(await starting).toMatchObject({
      code: 'ABNORMAL_TERMINATION',
      faultCode: 40,
      message: 'ABNORMAL_TERMINATION: a',
    });
  });

  it('an aborted wait rejects, the start goes on', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([], { autostart: false, startsecs: 0.5 }) } });
    await h.sup.start();
    const ac = new AbortController();
    const p = h.sup.getProcess('a')!.start({ signal: ac.signal });
    ac.abort(new Error('gave up waiting'));
    await expect(p).rejects.toThrow('gave up waiting');
    await h.reach('a', 'RUNNING');
  });

  it('startProcessGroup / stopProcessGroup: one result per process, running ones skipped', async ({
    supervise,
  }) => {
    const h = supervise({
      programs: {
        w: prog([], { numprocs: 3, processName: 'w_%(process_num)d', autostart: false }),
      },
    });
    await h.sup.start();
    await h.sup.startProcess('w:w_1');
    const started = await h.sup.startProcessGroup('w');
    expect(byName(started)).toEqual([ok('w', 'w_0'), ok('w', 'w_2')]);
    expect(h.sup.getGroup('w')!.processes.map((p) => p.state)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    expect(await h.sup.startProcessGroup('w')).toEqual([]);

    await h.sup.stopProcess('w:w_0');
    const stopped = await h.sup.stopProcessGroup('w');
    expect(byName(stopped)).toEqual([ok('w', 'w_1'), ok('w', 'w_2')]);
    expect(await h.sup.stopProcessGroup('w')).toEqual([]);
    await expect(h.sup.startProcessGroup('nosuch')).rejects.toMatchObject({ code: 'BAD_NAME' });
    await expect(h.sup.stopProcessGroup('nosuch')).rejects.toMatchObject({ code: 'BAD_NAME' });
  });

  it('the ProgramGroup object starts, signals and stops its processes', async ({ supervise }) => {
    const h = supervise({
      programs: {
        w: prog(['--on=HUP'], { numprocs: 2, processName: 'w_%(process_num)d', autostart: false }),
      },
    });
    await h.sup.start();
    const group = h.sup.getGroup('w')!;
    expect(byName(await group.start())).toEqual([ok('w', 'w_0'), ok('w', 'w_1')]);
    await h.waitOutput('w_0', /^ready$/m);
    await h.waitOutput('w_1', /^ready$/m);
    expect(byName(await group.signal('HUP'))).toEqual([ok('w', 'w_0'), ok('w', 'w_1')]);
    await h.waitOutput('w_0', /^got SIGHUP$/m);
    await h.waitOutput('w_1', /^got SIGHUP$/m);
    expect(byName(await group.stop())).toEqual([ok('w', 'w_0'), ok('w', 'w_1')]);
  });

  it('startAllProcesses: immediate faults come first, then the waited results', async ({ supervise }) => {
    const h = supervise({
      programs: {
        a: prog([], { autostart: false, priority: 1 }),
        missing: { command: '/nonexistent/procvisor-cmd', autostart: false, priority: 5 },
        z: prog([], { autostart: false, priority: 9 }),
      },
    });
    await h.sup.start();
    const results = await h.sup.startAllProcesses();
    expect(results[0]).toEqual({
      name: 'missing',
      group: 'missing',
      status: Faults.NO_FILE,
      description: "NO_FILE: can't find command '/nonexistent/procvisor-cmd'",
    });
    expect(byName(results.slice(1))).toEqual([ok('a', 'a'), ok('z', 'z')]);
    expect(h.sup.getProcess('a')!.state).toBe('RUNNING');
    expect(h.sup.getProcess('missing')!.state).toBe('STOPPED');

    const stopped = await h.sup.stopAllProcesses();
    expect(byName(stopped)).toEqual([ok('a', 'a'), ok('z', 'z')]);
    expect(await h.sup.stopAllProcesses()).toEqual([]);
  });

  it('startAllProcesses with wait=false returns at once, with OK for each', async ({ supervise }) => {
    const h = supervise({
      programs: { a: prog([], { autostart: false }), b: prog([], { autostart: false }) },
    });
    await h.sup.start();
    const results = await h.sup.startAllProcesses(false);
    expect(byName(results)).toEqual([ok('a', 'a'), ok('b', 'b')]);
    expect(h.sup.processes.map((p) => p.state)).toEqual(['STARTING', 'STARTING']);
    await h.reach('a', 'RUNNING');
    await h.reach('b', 'RUNNING');
  });

  it('a group start reports SPAWN_ERROR for a process that fails to start', async ({ supervise }) => {
    const h = supervise({
      programs: {
        good: prog([], { autostart: false }),
        bad: prog(['--exit=1'], { autostart: false, startsecs: FAIL_SECS, startretries: 0 }),
      },
      groups: { g: { programs: ['good', 'bad'] } },
    });
    await h.sup.start();
    const results = await h.sup.startProcessGroup('g');
    expect(byName(results)).toEqual([
      { name: 'bad', group: 'g', status: Faults.SPAWN_ERROR, description: 'SPAWN_ERROR: g:bad' },
      ok('g', 'good'),
    ]);
  });
});

describe.concurrent('signals and stdin', () => {
  it('signalProcess by name, SIG-name, lower case and number; the state does not change', async ({
    supervise,
  }) => {
    const h = supervise({ programs: { a: prog(['--on=USR1,USR2,HUP']) } });
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    await h.waitOutput('a', /^ready$/m);
    const before = h.states.events.length;

    expect(await h.sup.signalProcess('a', 'USR1')).toBe(true);
    await h.waitOutput('a', /^got SIGUSR1$/m);
    expect(await h.sup.signalProcess('a', 'SIGUSR2')).toBe(true);
    await h.waitOutput('a', /^got SIGUSR2$/m);
    expect(await h.sup.signalProcess('a', 'hup')).toBe(true);
    await h.waitOutput('a', /^got SIGHUP$/m);
    expect(await h.sup.signalProcess('a', 10)).toBe(true);
    await h.waitOutput('a', /(^got SIGUSR1$[^]*){2}/m);
    expect(await h.sup.signalProcess('a', '12')).toBe(true);
    await h.waitOutput('a', /(^got SIGUSR2$[^]*){2}/m);

    expect(h.sup.getProcess('a')!.state).toBe('RUNNING');
    expect(h.states.events.length).toBe(before);
  });

  it('BAD_SIGNAL for an unknown signal, checked before the state', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([]), s: prog([], { autostart: false }) } });
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    for (const [name, sig] of [
      ['a', 'NOPE'],
      ['s', 'NOPE'],
      ['a', 999],
    ] as const) {
      const err = await h.sup.signalProcess(name, sig).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'BAD_SIGNAL', faultCode: 11, message: `BAD_SIGNAL: ${sig}` });
    }
    await expect(h.sup.signalProcess('nosuch', 'HUP')).rejects.toMatchObject({ code: 'BAD_NAME' });
  });

  it('signalProcessGroup and signalAllProcesses signal only signallable processes', async ({ supervise }) => {
    const h = supervise({
      programs: {
        w: prog(['--on=USR1'], { numprocs: 2, processName: 'w_%(process_num)d' }),
        s: prog([], { autostart: false }),
      },
    });
    await h.sup.start();
    await h.reach('w_0', 'RUNNING');
    await h.reach('w_1', 'RUNNING');
    await h.waitOutput('w_0', /^ready$/m);
    await h.waitOutput('w_1', /^ready$/m);
    // Wait for each delivery before the next: the same pending signal sent twice may arrive once.
    const received = async (n: number) => {
      for (const name of ['w_0', 'w_1'])
        await h.waitOutput(name, new RegExp(`(^got SIGUSR1$[^]*){${n}}`, 'm'));
    };
    expect(byName(await h.sup.signalProcessGroup('w', 'USR1'))).toEqual([ok('w', 'w_0'), ok('w', 'w_1')]);
    await received(1);
    expect(byName(await h.sup.signalAllProcesses('USR1'))).toEqual([ok('w', 'w_0'), ok('w', 'w_1')]);
    await received(2);
    expect(byName(await h.sup.signalProcess('w:*', 'USR1'))).toEqual([ok('w', 'w_0'), ok('w', 'w_1')]);
    await received(3);
    expect(await h.sup.signalProcessGroup('s', 'USR1')).toEqual([]);
    expect(await h.sup.signalProcessGroup('w', 'NOPE')).toEqual([
      { name: 'w_0', group: 'w', status: Faults.BAD_SIGNAL, description: 'BAD_SIGNAL: NOPE' },
      { name: 'w_1', group: 'w', status: Faults.BAD_SIGNAL, description: 'BAD_SIGNAL: NOPE' },
    ]);
  });

  it('sendProcessStdin writes to the child (string and bytes)', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog(['--echo']) } });
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    expect(await h.sup.sendProcessStdin('a', 'hello stdin\n')).toBe(true);
    await h.waitOutput('a', /^hello stdin$/m);
    expect(await h.sup.sendProcessStdin('a', new TextEncoder().encode('bytes é\n'))).toBe(true);
    await h.waitOutput('a', /^bytes é$/m);
    await expect(h.sup.sendProcessStdin('a:*', 'x')).rejects.toMatchObject({ code: 'BAD_NAME' });
    await expect(h.sup.sendProcessStdin('a', 42 as unknown as string)).rejects.toMatchObject({
      code: 'INCORRECT_PARAMETERS',
    });
  });

  it('sendProcessStdin refuses a process being stopped (NOT_RUNNING)', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog(['--ignore=TERM', '--echo'], { stopwaitsecs: 0.5 }) } });
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    await h.waitOutput('a', /^ready$/m);
    await h.sup.stopProcess('a', false);
    await expect(h.sup.sendProcessStdin('a', 'x')).rejects.toMatchObject({
      code: 'NOT_RUNNING',
      message: 'NOT_RUNNING: a',
    });
    await h.reach('a', 'STOPPED');
  });
});

describe.concurrent('state and shutdown', () => {
  it('getState, getIdentification, getPID', async ({ supervise }) => {
    const h = supervise({ identifier: 'my-sup', programs: {} });
    await h.sup.start();
    expect(await h.sup.getState()).toEqual({ statecode: 1, statename: 'RUNNING' });
    expect(await h.sup.getIdentification()).toBe('my-sup');
    expect(await h.sup.getPID()).toBe(process.pid);
    await h.sup.shutdown();
    expect(await h.sup.getState()).toEqual({ statecode: -1, statename: 'SHUTDOWN' });
  });

  it('after shutdown every control call is SHUTDOWN_STATE', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([]) } });
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    await h.sup.shutdown();
    const calls: [string, () => Promise<unknown>][] = [
      ['getProcessInfo', () => h.sup.getProcessInfo('a')],
      ['getAllProcessInfo', () => h.sup.getAllProcessInfo()],
      ['getAllConfigInfo', () => h.sup.getAllConfigInfo()],
      ['getIdentification', () => h.sup.getIdentification()],
      ['startProcess', () => h.sup.startProcess('a')],
      ['stopProcess', () => h.sup.stopProcess('a')],
      ['startAllProcesses', () => h.sup.startAllProcesses()],
      ['stopAllProcesses', () => h.sup.stopAllProcesses()],
      ['startProcessGroup', () => h.sup.startProcessGroup('a')],
      ['stopProcessGroup', () => h.sup.stopProcessGroup('a')],
      ['signalProcess', () => h.sup.signalProcess('a', 'HUP')],
      ['signalProcessGroup', () => h.sup.signalProcessGroup('a', 'HUP')],
      ['signalAllProcesses', () => h.sup.signalAllProcesses('HUP')],
      ['sendProcessStdin', () => h.sup.sendProcessStdin('a', 'x')],
      ['reloadConfig', () => h.sup.reloadConfig({ programs: {} })],
      ['addProcessGroup', () => h.sup.addProcessGroup('a')],
      ['removeProcessGroup', () => h.sup.removeProcessGroup('a')],
      ['start', () => h.sup.start()],
    ];
    for (const [name, call] of calls) {
      const err = await call().catch((e: unknown) => e);
      expect(err, name).toMatchObject({ code: 'SHUTDOWN_STATE', faultCode: 6, message: 'SHUTDOWN_STATE' });
    }
  });

  it('calls made while the shutdown runs are SHUTDOWN_STATE too', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog(['--ignore=TERM'], { stopwaitsecs: 0.5 }) } });
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    await h.waitOutput('a', /^ready$/m);
    const done = h.sup.shutdown();
    await expect(h.sup.startProcess('a')).rejects.toMatchObject({ code: 'SHUTDOWN_STATE' });
    expect(await h.sup.getState()).toEqual({ statecode: -1, statename: 'SHUTDOWN' });
    await done;
  });
});
