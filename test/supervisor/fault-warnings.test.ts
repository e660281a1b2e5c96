import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { FaultWarningCodes } from '../../src/index.js';
import type { LogErrorRecord } from '../../src/index.js';
import { FaultWarnings } from '../../src/supervisor/fault-warnings.js';
import { it } from '../helpers/core.js';
import { logErrors, prog } from '../helpers/logging.js';
import { captureWarnings } from '../helpers/warnings.js';

function record(over: Partial<LogErrorRecord> & { code?: string } = {}): LogErrorRecord {
  const error = Object.assign(new Error(`${over.code ?? 'ENOSPC'}: no space left on device, write`), {
    code: over.code ?? 'ENOSPC',
  });
  return {
    processName: 'web-00',
    groupName: 'web',
    channel: 'stdout',
    kind: 'file',
    target: '/var/log/fault-warnings-test.log',
    error,
    ...over,
  };
}

/** Node emits a warning on the next tick. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('fault warnings', () => {
  it('once per fault: the same process, channel, target and errno warn once; another fault warns again', async () => {
    using warnings = captureWarnings({ message: 'fault-warnings-test' });
    const w = new FaultWarnings(true);
    for (let i = 0; i < 5; i++) w.logError(record());
    await tick();
    expect(warnings.warnings).toHaveLength(1);
    expect(warnings.warnings[0]).toMatchObject({ name: 'ProcvisorWarning', code: FaultWarningCodes.LOG });
    expect(warnings.warnings[0]!.message).toBe(
      'procvisor: web:web-00 stdout: cannot write to log file /var/log/fault-warnings-test.log: ENOSPC: no ' +
        'space left on device, write. The process keeps running; its output there is dropped until writing ' +
        'works again.',
    );
    expect((warnings.warnings[0] as Error & { detail?: string }).detail).toMatch(
      /--disable-warning=PROCVISOR_LOG_FAULT/,
    );
    w.logError(record({ code: 'EACCES' }));
    w.logError(record({ channel: 'stderr' }));
    w.logError(record({ kind: 'syslog', target: '/dev/log-fault-warnings-test' }));
    await tick();
    expect(warnings.warnings.map((x) => (x as Error & { code?: string }).code)).toEqual([
      'PROCVISOR_LOG_FAULT',
      'PROCVISOR_LOG_FAULT',
      'PROCVISOR_LOG_FAULT',
      'PROCVISOR_SYSLOG_FAULT',
    ]);
    w.mainLogError('cannot open the activity log /x/fault-warnings-test.log', record().error);
    w.mainLogError('cannot open the activity log /x/fault-warnings-test.log', record().error);
    await tick();
    expect(warnings.warnings).toHaveLength(5);
  });

  it('disabled: no warning at all', async () => {
    using warnings = captureWarnings({ message: 'fault-warnings-test' });
    const w = new FaultWarnings(false);
    w.logError(record());
    w.mainLogError('cannot open the activity log /x/fault-warnings-test.log', new Error('EACCES'));
    await tick();
    expect(warnings.warnings).toHaveLength(0);
  });

  it('a Supervisor with warnings: false still emits logError, and prints nothing', async ({
    supervise,
    tmp,
  }) => {
    const dirAsFile = join(tmp, 'a-directory');
    mkdirSync(dirAsFile);
    // No capture: a process warning would fail this test (test/helpers/setup.ts).
    const h = supervise(
      { programs: { bad: prog(['out:lost\\n', 'stdin', 'exit:0'], { stdoutLogfile: dirAsFile }) } },
      { warnings: false },
    );
    const { errors, first } = logErrors(h.sup);
    await h.sup.start();
    await h.reach('bad', 'RUNNING');
    await first;
    expect(errors).toHaveLength(1);
    expect(h.sup.getProcess('bad')!.faults.join('\n')).toMatch(/EISDIR/);
    await h.sup.sendProcessStdin('bad', 'go\n');
    await h.reach('bad', 'EXITED');
    await tick();
  });
});
