/**
 * Events from real children: every event under its type and each ancestor, on the Supervisor, the
 * ProgramGroup and the Process; supervisord's payloads; listeners that throw or act re-entrantly
 * (`events.py`; reference §5.1, §5.2).
 */
import { describe, expect } from 'vitest';
import type { ListenerErrorRecord, ProcessStateEvent, SupervisorEvent } from '../../src/index.js';
import { FAIL_SECS, it, prog } from '../helpers/core.js';
import { EventRecorder } from '../helpers/wait.js';
import { captureWarnings } from '../helpers/warnings.js';

describe.concurrent('events', () => {
  it('one event object, under its type, PROCESS_STATE and EVENT, on Supervisor, group and Process', async ({
    supervise,
  }) => {
    const h = supervise({ programs: { a: prog([], { autostart: false }) } });
    await h.sup.start();
    const p = h.sup.getProcess('a')!;
    const g = h.sup.getGroup('a')!;
    const seen: [string, string, SupervisorEvent][] = [];
    for (const [where, emitter] of [
      ['sup', h.sup],
      ['group', g],
      ['process', p],
    ] as const) {
      for (const type of ['PROCESS_STATE_RUNNING', 'PROCESS_STATE', 'EVENT'] as const) {
        emitter.on(type, (e: SupervisorEvent) => {
          if (e.type === 'PROCESS_STATE_RUNNING') seen.push([where, type, e]);
        });
      }
    }
    await h.sup.startProcess('a');
    expect(seen.map(([where, type]) => `${where} ${type}`).sort()).toEqual(
      [
        'sup PROCESS_STATE_RUNNING',
        'sup PROCESS_STATE',
        'sup EVENT',
        'group PROCESS_STATE_RUNNING',
        'group PROCESS_STATE',
        'group EVENT',
        'process PROCESS_STATE_RUNNING',
        'process PROCESS_STATE',
        'process EVENT',
      ].sort(),
    );
    const first = seen[0]![2];
    expect(seen.every(([, , e]) => e === first)).toBe(true);
  });

  it('a Process and a ProgramGroup emit only the events of their own processes', async ({ supervise }) => {
    const h = supervise({
      programs: { a: prog([]), b: prog([]) },
    });
    const fromA: string[] = [];
    const fromGroupB: string[] = [];
    await h.sup.start();
    // Subscribed after start(): the STARTING events are gone, RUNNING is still to come.
    h.sup.getProcess('a')!.on('PROCESS_STATE', (e) => fromA.push(e.processName));
    h.sup.getGroup('b')!.on('PROCESS_STATE', (e) => fromGroupB.push(e.processName));
    await h.reach('a', 'RUNNING');
    await h.reach('b', 'RUNNING');
    expect(fromA).toEqual(['a']);
    expect(fromGroupB).toEqual(['b']);
  });

  it("payloads are supervisord's (§5.2): RUNNING, EXITED, STARTING and BACKOFF", async ({ supervise }) => {
    const h = supervise({
      programs: {
        a: prog(['--exit=3', '--after=300'], { startsecs: 0.2, autorestart: false }),
        f: prog(['--exit=1'], { startsecs: FAIL_SECS, startretries: 0 }),
      },
    });
    await h.sup.start();
    const exited = await h.reach('a', 'EXITED');
    const payloads = h.eventsOf('a').map((e) => `${e.type} ${e.serialize()}`);
    const pid = exited.pid!;
    expect(payloads).toEqual([
      'PROCESS_STATE_STARTING processname:a groupname:a from_state:STOPPED tries:0',
      `PROCESS_STATE_RUNNING processname:a groupname:a from_state:STARTING pid:${pid}`,
      `PROCESS_STATE_EXITED processname:a groupname:a from_state:RUNNING expected:0 pid:${pid}`,
    ]);
    await h.reach('f', 'FATAL');
    expect(h.eventsOf('f').map((e) => e.serialize())).toEqual([
      'processname:f groupname:f from_state:STOPPED tries:0',
      'processname:f groupname:f from_state:STARTING tries:1',
      'processname:f groupname:f from_state:BACKOFF',
    ]);
  });

  it('STOPPING and STOPPED payloads carry the pid', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([]) } });
    await h.sup.start();
    const running = await h.reach('a', 'RUNNING');
    await h.sup.stopProcess('a');
    expect(
      h
        .eventsOf('a')
        .slice(2)
        .map((e) => e.serialize()),
    ).toEqual([
      `processname:a groupname:a from_state:RUNNING pid:${running.pid}`,
      `processname:a groupname:a from_state:STOPPING pid:${running.pid}`,
    ]);
  });

  it('a listener that throws does not stop the machine; listenerError reports it', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([]) } });
    const errors: ListenerErrorRecord[] = [];
    h.sup.on('listenerError', (r) => errors.push(r));
    const boom = new Error('listener bug');
    h.sup.on('PROCESS_STATE_STARTING', () => {
      throw boom;
    });
    const later: string[] = [];
    h.sup.on('PROCESS_STATE_STARTING', (e) => later.push(e.type));
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    expect(h.seq('a')).toEqual(['STOPPED->STARTING tries:0', 'STARTING->RUNNING']);
    // The other listeners of the same event still ran.
    expect(later).toEqual(['PROCESS_STATE_STARTING']);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toBe(boom);
    expect(errors[0]!.event.type).toBe('PROCESS_STATE_STARTING');
    expect(h.sup.getProcess('a')!.state).toBe('RUNNING');
  });

  it('a throwing listener on a Process or a group is reported on the Supervisor too', async ({
    supervise,
  }) => {
    const h = supervise({ programs: { a: prog([], { autostart: false }) } });
    await h.sup.start();
    h.sup.getProcess('a')!.on('PROCESS_STATE_STARTING', () => {
      throw new Error('process listener');
    });
    h.sup.getGroup('a')!.on('PROCESS_STATE_RUNNING', () => {
      throw new Error('group listener');
    });
    const reported = new EventRecorder<ListenerErrorRecord>(h.sup, 'listenerError');
    expect(await h.sup.startProcess('a')).toBe(true);
    expect(reported.events.map((r) => (r.error as Error).message)).toEqual([
      'process listener',
      'group listener',
    ]);
    reported.dispose();
  });

  it('a throwing listener with no listenerError listener becomes a process warning', async ({
    supervise,
  }) => {
    const h = supervise({ programs: { a: prog([], { autostart: false }) } });
    await h.sup.start();
    h.sup.on('PROCESS_STATE_RUNNING', () => {
      throw new Error('unheard');
    });
    using warnings = captureWarnings({ name: 'ProcvisorListenerWarning', message: 'unheard' });
    await h.sup.startProcess('a');
    expect((await warnings.nth()).message).toMatch(
      /a listener for PROCESS_STATE_RUNNING threw: Error: unheard/,
    );
  });

  it('a listener may call the API: stop from a RUNNING listener, start from an EXITED one', async ({
    supervise,
  }) => {
    const h = supervise({
      programs: {
        a: prog([]),
        b: prog(['--exit=0', '--after=200'], { startsecs: 0.1, autorestart: false }),
      },
    });
    const results: Promise<unknown>[] = [];
    h.sup.on('PROCESS_STATE_RUNNING', (e: ProcessStateEvent) => {
      if (e.processName === 'a') results.push(h.sup.stopProcess('a'));
    });
    let restarted = false;
    h.sup.on('PROCESS_STATE_EXITED', (e) => {
      if (e.processName === 'b' && !restarted) {
        restarted = true;
        results.push(h.sup.startProcess('b', false));
      }
    });
    await h.sup.start();
    await h.reach('a', 'STOPPED');
    await h.reach('b', 'EXITED', 2);
    await Promise.all(results);
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->STOPPING',
      'STOPPING->STOPPED',
    ]);
    expect(h.seq('b')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->EXITED expected:1',
      'EXITED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->EXITED expected:1',
    ]);
  });

  it('listeners see the new state already committed', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([]) } });
    const observed: string[] = [];
    h.sup.on('PROCESS_STATE', (e) => {
      const p = h.sup.getProcess(e.processName)!;
      observed.push(`${e.state}=${p.state}`);
    });
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    await h.sup.stopProcess('a');
    expect(observed).toEqual([
      'STARTING=STARTING',
      'RUNNING=RUNNING',
      'STOPPING=STOPPING',
      'STOPPED=STOPPED',
    ]);
  });
});
