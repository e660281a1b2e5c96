import { afterEach, describe, expect, it } from 'vitest';
import { BadNameError, ManualClock, Supervisor, SupervisorError } from '../../src/index.js';
import { toFault } from '../../src/xmlrpc/faults.js';
import { FakeSpawner } from '../helpers/fake-spawner.js';

// BAD_NAME says what would have matched; the XML-RPC wire keeps supervisord's faultString.

const quiet = { stdoutLogfile: 'NONE', stderrLogfile: 'NONE', autostart: false } as const;
let sup: Supervisor | undefined;

async function setup(): Promise<Supervisor> {
  sup = new Supervisor(
    {
      programs: {
        web: { command: 'sleep 1', numprocs: 3, processName: '%(program_name)s-%(process_num)02d', ...quiet },
        many: { command: 'sleep 1', numprocs: 7, processName: 'm%(process_num)d', ...quiet },
        solo: { command: 'sleep 1', ...quiet },
      },
      groups: { g: { programs: ['solo'] } },
    },
    { clock: new ManualClock(), spawner: new FakeSpawner() },
  );
  await sup.start();
  return sup;
}

afterEach(async () => {
  await sup?.shutdown();
  sup = undefined;
});

async function badName(p: Promise<unknown>): Promise<BadNameError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BadNameError);
  return err as BadNameError;
}

describe('BAD_NAME hints', () => {
  it('a numprocs program named bare: its process names and the group:* form', async () => {
    const s = await setup();
    const err = await badName(s.stopProcess('web'));
    expect(err.message).toBe(
      "BAD_NAME: web (web is a group of 3 processes: web:web-00, web:web-01, web:web-02; use 'web:*' for all of them)",
    );
    expect(err).toMatchObject({ code: 'BAD_NAME', faultCode: 10, text: 'web', faultString: 'BAD_NAME: web' });
    expect(err.hint).toMatch(/^web is a group of 3 processes/);
    // The wire: supervisord's exact faultString.
    expect(toFault(err)).toMatchObject({ faultCode: 10, faultString: 'BAD_NAME: web' });
  });

  it('long lists are cut; group:unknown lists the group; group:* where one process is needed', async () => {
    const s = await setup();
    expect((await badName(s.startProcess('many'))).hint).toBe(
      "many is a group of 7 processes: many:m0, many:m1, many:m2, many:m3, many:m4, … (2 more); use 'many:*' for all of them",
    );
    expect((await badName(s.getProcessInfo('web:web-9'))).hint).toBe(
      'group web has 3 processes: web:web-00, web:web-01, web:web-02',
    );
    const whole = await badName(s.getProcessInfo('web:*'));
    expect(whole.hint).toBe(
      "'web:*' names the whole group web; name one of its 3 processes: web:web-00, web:web-01, web:web-02",
    );
    expect(toFault(whole)?.faultString).toBe('BAD_NAME: web:*');
  });

  it('a process name without its group, and a group given with a process part', async () => {
    const s = await setup();
    expect((await badName(s.getProcessInfo('solo'))).hint).toBe("did you mean 'g:solo'?");
    expect((await badName(s.startProcessGroup('g:solo'))).hint).toBe(
      "a group is named without ':'; did you mean 'g'?",
    );
    // Nothing close: supervisord's message alone.
    const none = await badName(s.getProcessInfo('nosuch'));
    expect(none.message).toBe('BAD_NAME: nosuch');
    expect(none.hint).toBeUndefined();
  });

  it('getProcess and getGroup: undefined for a miss, found with the documented names', async () => {
    const s = await setup();
    expect(s.getProcess('web')).toBeUndefined();
    expect(s.getProcess('web:web-01')?.namespec).toBe('web:web-01');
    expect(s.getGroup('web')?.processes.map((p) => p.namespec)).toEqual([
      'web:web-00',
      'web:web-01',
      'web:web-02',
    ]);
    expect(s.getGroup('web:*')).toBeUndefined();
  });

  it('faultString equals message without a hint, for every SupervisorError', () => {
    const e = new SupervisorError('ALREADY_STARTED', 'web');
    expect(e.faultString).toBe(e.message);
    expect(new SupervisorError('SHUTDOWN_STATE').faultString).toBe('SHUTDOWN_STATE');
  });
});
