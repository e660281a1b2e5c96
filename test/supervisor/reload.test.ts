/**
 * Configuration changes with real children: reloadConfig's [added, changed, removed], addProcessGroup,
 * removeProcessGroup and update() as `supervisorctl update` (`rpcinterface.py reloadConfig`,
 * `addProcessGroup`, `removeProcessGroup`, `supervisord.py diff_to_active`, `supervisorctl.py do_update`;
 * reference §3.6).
 */
import { describe, expect } from 'vitest';
import { ConfigError, type ProcessGroupEvent, type SupervisorConfig } from '../../src/index.js';
import { FAIL_SECS, it, prog } from '../helpers/core.js';
import { pidAlive } from '../helpers/pids.js';
import { EventRecorder } from '../helpers/wait.js';

const initial: SupervisorConfig = {
  programs: {
    same: prog(['--report']),
    edited: prog(['--report']),
    gone: prog(['--report']),
  },
};

const next: SupervisorConfig = {
  programs: {
    same: prog(['--report']),
    edited: prog(['--report'], { environment: { PV_VERSION: '2' } }),
    fresh: prog(['--report']),
  },
};

async function allRunning(h: { reach(name: string, state: 'RUNNING'): Promise<unknown> }, names: string[]) {
  for (const n of names) await h.reach(n, 'RUNNING');
}

describe.concurrent('reload', () => {
  it('reloadConfig returns [added, changed, removed] and touches no running group', async ({ supervise }) => {
    const h = supervise(initial);
    await h.sup.start();
    await allRunning(h, ['same', 'edited', 'gone']);
    const pids = h.sup.processes.map((p) => p.pid);
    const events = h.states.events.length;

    expect(await h.sup.reloadConfig(next)).toEqual([['fresh'], ['edited'], ['gone']]);
    expect(h.sup.processes.map((p) => p.pid)).toEqual(pids);
    expect(h.states.events.length).toBe(events);
    expect(h.sup.groups.map((g) => g.name)).toEqual(['edited', 'gone', 'same']);
    // Reloading the same config again still reports the difference to the active groups.
    expect(await h.sup.reloadConfig(next)).toEqual([['fresh'], ['edited'], ['gone']]);
  });

  it('an invalid config is refused with ConfigError and changes nothing', async ({ supervise }) => {
    const h = supervise(initial);
    await h.sup.start();
    const err = await h.sup
      .reloadConfig({ programs: { bad: { command: 'x', startsecs: 'soon' } } } as unknown as SupervisorConfig)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(await h.sup.reloadConfig(initial)).toEqual([[], [], []]);
  });

  it('addProcessGroup: PROCESS_GROUP_ADDED, autostart; ALREADY_ADDED and BAD_NAME', async ({ supervise }) => {
    const h = supervise(initial);
    await h.sup.start();
    await h.sup.reloadConfig(next);
    const added = new EventRecorder<ProcessGroupEvent>(h.sup, 'PROCESS_GROUP');
    expect(await h.sup.addProcessGroup('fresh')).toBe(true);
    expect(added.events.map((e) => [e.type, e.groupName, e.serialize()])).toEqual([
      ['PROCESS_GROUP_ADDED', 'fresh', 'groupname:fresh\n'],
    ]);
    added.dispose();
    await h.reach('fresh', 'RUNNING');
    expect(h.seq('fresh')).toEqual(['STOPPED->STARTING tries:0', 'STARTING->RUNNING']);
    await expect(h.sup.addProcessGroup('fresh')).rejects.toMatchObject({
      code: 'ALREADY_ADDED',
      faultCode: 90,
      message: 'ALREADY_ADDED: fresh',
    });
    await expect(h.sup.addProcessGroup('nosuch')).rejects.toMatchObject({ code: 'BAD_NAME' });
    // `gone` is still active although no longer configured: it cannot be added again.
    await expect(h.sup.addProcessGroup('gone')).rejects.toMatchObject({ code: 'BAD_NAME' });
  });

  it('removeProcessGroup: STILL_RUNNING (also while STOPPING), then PROCESS_GROUP_REMOVED', async ({
    supervise,
  }) => {
    const h = supervise({ programs: { gone: prog(['--ignore=TERM'], { stopwaitsecs: 0.5 }) } });
    await h.sup.start();
    await h.reach('gone', 'RUNNING');
    await h.waitOutput('gone', /^ready$/m);
    await expect(h.sup.removeProcessGroup('gone')).rejects.toMatchObject({
      code: 'STILL_RUNNING',
      faultCode: 91,
      message: 'STILL_RUNNING: gone',
    });
    await h.sup.stopProcess('gone', false);
    expect(h.sup.getProcess('gone')!.state).toBe('STOPPING');
    await expect(h.sup.removeProcessGroup('gone')).rejects.toMatchObject({ code: 'STILL_RUNNING' });
    await h.reach('gone', 'STOPPED');

    const removed = new EventRecorder<ProcessGroupEvent>(h.sup, 'PROCESS_GROUP_REMOVED');
    expect(await h.sup.removeProcessGroup('gone')).toBe(true);
    expect(removed.events.map((e) => e.serialize())).toEqual(['groupname:gone\n']);
    removed.dispose();
    expect(h.sup.getGroup('gone')).toBeUndefined();
    await expect(h.sup.getProcessInfo('gone')).rejects.toMatchObject({ code: 'BAD_NAME' });
    await expect(h.sup.removeProcessGroup('gone')).rejects.toMatchObject({ code: 'BAD_NAME' });
    // Still in the configuration: it can be added back, and it autostarts as a new group.
    await h.sup.addProcessGroup('gone');
    await h.reach('gone', 'RUNNING', 2);
  });

  it('a group with FATAL or EXITED processes can be removed', async ({ supervise }) => {
    const h = supervise({
      programs: {
        f: prog(['--exit=1'], { startsecs: FAIL_SECS, startretries: 0 }),
        e: prog(['--exit=0', '--after=100'], { startsecs: 0, autorestart: false }),
      },
    });
    await h.sup.start();
    await h.reach('f', 'FATAL');
    await h.reach('e', 'EXITED');
    expect(await h.sup.removeProcessGroup('f')).toBe(true);
    expect(await h.sup.removeProcessGroup('e')).toBe(true);
  });

  it('update(): removed groups stopped and removed, changed groups restarted, added groups added', async ({
    supervise,
  }) => {
    const h = supervise(initial);
    await h.sup.start();
    await allRunning(h, ['same', 'edited', 'gone']);
    const before = Object.fromEntries(h.sup.processes.map((p) => [p.name, p.pid]));
    const groups = new EventRecorder<ProcessGroupEvent>(h.sup, 'PROCESS_GROUP');

    expect(await h.sup.update(next)).toEqual({
      added: ['fresh'],
      changed: ['edited'],
      removed: ['gone'],
      problems: [],
    });
    expect(groups.events.map((e) => `${e.type} ${e.groupName}`)).toEqual([
      'PROCESS_GROUP_REMOVED gone',
      'PROCESS_GROUP_REMOVED edited',
      'PROCESS_GROUP_ADDED edited',
      'PROCESS_GROUP_ADDED fresh',
    ]);
    groups.dispose();
    await allRunning(h, ['fresh']);
    await h.reach('edited', 'RUNNING', 2);

    // The unchanged group kept its child; the changed one runs a new child with the new environment.
    expect(h.sup.getProcess('same')!.pid).toBe(before.same);
    expect(pidAlive(before.gone!)).toBe(false);
    expect(pidAlive(before.edited!)).toBe(false);
    expect(h.sup.getProcess('edited')!.pid).not.toBe(before.edited);
    // (The first child may have been stopped before it printed anything: RUNNING is not output.)
    const report = await h.waitOutput('edited', /^report (.*"PV_VERSION":"2".*)$/m);
    expect(JSON.parse(report[1]!).pid).toBe(h.sup.getProcess('edited')!.pid);
    expect(h.seq('edited')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->STOPPING',
      'STOPPING->STOPPED',
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
    ]);
    expect(h.sup.groups.map((g) => g.name).sort()).toEqual(['edited', 'fresh', 'same']);
    expect(await h.sup.update(next)).toEqual({ added: [], changed: [], removed: [], problems: [] });
  });

  it('update(names) only touches the named groups', async ({ supervise }) => {
    const h = supervise(initial);
    await h.sup.start();
    await allRunning(h, ['same', 'edited', 'gone']);
    expect(await h.sup.update(next, ['gone'])).toEqual({
      added: [],
      changed: [],
      removed: ['gone'],
      problems: [],
    });
    expect(h.sup.groups.map((g) => g.name).sort()).toEqual(['edited', 'same']);
  });
});
