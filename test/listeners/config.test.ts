import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig as resolveTyped, type ResolvedConfig } from '../../src/index.js';
// The schema's input, which also takes text forms and names the public type rejects.
import type { SupervisorSchemaInput as SupervisorConfig } from '../../src/config/schema/index.js';

const resolveConfig = (input: SupervisorConfig): ResolvedConfig => resolveTyped(input as never);

// eventListeners: supervisord's [eventlistener:x] (options.py process_groups_from_parser, section 3.3).

function issues(config: SupervisorConfig): string[] {
  try {
    resolveConfig(config);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('eventListeners config', () => {
  it('pool priority -1 and process priority 999 by default; priority sets both', () => {
    const c = resolveConfig({
      programs: { p: { command: 'sleep 1' } },
      eventListeners: {
        a: { command: 'sleep 1', events: ['process_state', 'PROCESS_STATE', 'TICK_60'] },
        b: { command: 'sleep 1', events: 'PROCESS_LOG, EVENT', priority: 5, bufferSize: '3' },
      },
    });
    expect(c.groups.map((g) => [g.name, g.kind, g.priority, g.processes[0]!.priority])).toEqual([
      ['a', 'eventlistener', -1, 999],
      ['b', 'eventlistener', 5, 5],
      ['p', 'program', 999, 999],
    ]);
    expect(c.groups[0]!.listener).toEqual({
      events: ['PROCESS_STATE', 'TICK_60'],
      bufferSize: 10,
      resultHandler: null,
    });
    expect(c.groups[1]!.listener).toMatchObject({ events: ['PROCESS_LOG', 'EVENT'], bufferSize: 3 });
    expect(c.groups[2]!.listener).toBeUndefined();
  });

  it('a listener’s stdout is never captured nor emitted as PROCESS_LOG (it is the protocol channel)', () => {
    const c = resolveConfig({
      eventListeners: {
        a: {
          command: 'sleep 1',
          events: ['EVENT'],
          stdoutEventsEnabled: true,
          stdoutCaptureMaxbytes: '1KB',
          stderrEventsEnabled: true,
        },
      },
    });
    const p = c.groups[0]!.processes[0]!;
    expect([p.stdout.eventsEnabled, p.stdout.captureMaxbytes, p.stderr.eventsEnabled]).toEqual([
      false,
      0,
      true,
    ]);
  });

  it('expands %(program_name)s and %(group_name)s to the pool name', () => {
    const c = resolveConfig({
      eventListeners: {
        mon: {
          command: 'echo %(program_name)s %(group_name)s',
          events: ['EVENT'],
          numprocs: 2,
          processName: '%(program_name)s_%(process_num)d',
        },
      },
    });
    expect(c.groups[0]!.processes.map((p) => [p.name, p.command])).toEqual([
      ['mon_0', 'echo mon mon'],
      ['mon_1', 'echo mon mon'],
    ]);
  });

  it('rejects what supervisord rejects, and Python result handlers', () => {
    expect(issues({ eventListeners: { a: { command: 'x', events: ['PROCESS_STATE', 'NOPE'] } } })).toEqual([
      'eventListeners.a.events: Unknown event type NOPE',
    ]);
    expect(issues({ eventListeners: { a: { command: 'x' } as never } })).toEqual([
      'eventListeners.a.events: an event listener requires "events"',
    ]);
    expect(issues({ eventListeners: { a: { command: 'x', events: ['EVENT'], bufferSize: 0 } } })).toEqual([
      'eventListeners.a.bufferSize: buffer_size must be at least 1 (got 0)',
    ]);
    expect(
      issues({ eventListeners: { a: { command: 'x', events: ['EVENT'], redirectStderr: true } } }),
    ).toEqual([
      'eventListeners.a.redirectStderr: redirect_stderr=true is not allowed for an event listener, because it would interfere with the eventlistener protocol',
    ]);
    expect(
      issues({ eventListeners: { a: { command: 'x', events: ['EVENT'], resultHandler: 'mymod:handler' } } }),
    ).toEqual([
      `eventListeners.a.resultHandler: result_handler "mymod:handler" is a Python import; procvisor cannot load it. Pass a function (event, body) => ... instead (or 'supervisor.dispatchers:default_handler')`,
    ]);
    expect(
      issues({
        eventListeners: {
          a: { command: 'x', events: ['EVENT'], resultHandler: 'supervisor.dispatchers:default_handler' },
        },
      }),
    ).toEqual([]);
    expect(
      issues({
        programs: { a: { command: 'x' } },
        eventListeners: { a: { command: 'x', events: ['EVENT'] } },
      }),
    ).toEqual(['eventListeners.a: event listener pool a has the name of another group']);
    expect(
      issues({ eventListeners: { a: { command: 'x', events: ['EVENT'], buffer_size: 3 } as never } }),
    ).toEqual([
      'eventListeners.a.buffer_size: Unrecognized option "buffer_size"; did you mean "bufferSize"?',
    ]);
  });
});

describe('reload', () => {
  it('a pool whose events, bufferSize or resultHandler changed is a changed group', async () => {
    const { diffGroups } = await import('../../src/core/reload-diff.js');
    const base = { command: 'sleep 1', events: ['EVENT'] };
    const before = resolveConfig({ eventListeners: { a: base, b: base, c: base, d: base } });
    const active = new Map(before.groups.map((g) => [g.name, g]));
    const after = resolveConfig({
      eventListeners: {
        a: base,
        b: { ...base, events: ['PROCESS_STATE'] },
        c: { ...base, bufferSize: 5 },
        d: { ...base, resultHandler: () => undefined },
      },
    });
    expect(diffGroups(active, after.groups)).toEqual([[], ['b', 'c', 'd'], []]);
  });
});
