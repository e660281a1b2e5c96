/**
 * Loaded before every test file (vitest `setupFiles`, in the file's worker). The run's rules:
 *
 * - A process warning fails the test during which it came (with `describe.concurrent`, the first of the
 *   tests then running to finish), unless a capture of `helpers/warnings.ts` expects it. One that comes
 *   between tests fails the file; one after the file's last hook fails the run.
 * - So does an unhandled rejection. Our listener replaces vitest's own report (vitest stands back when the
 *   process has another 'unhandledRejection' listener), so it must fail the test itself.
 * - The file gets its own empty directory as `os.tmpdir()` (TMPDIR, inherited by every child it starts),
 *   inside the run's directory (`helpers/global-setup.ts`). It must be empty again after the file: what is
 *   left there is named in the failure, then removed. A directory of its own makes the check exact although
 *   files run in parallel workers and other programs use the real temporary directory.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, inject } from 'vitest';
import { takeWarning } from './warnings.js';

const tmp = mkdtempSync(join(inject('procvisorTmpRoot'), 'file-'));
// Like /tmp: a child that runs as another user (`user=nobody`) may use it too.
chmodSync(tmp, 0o1777);
process.env.TMPDIR = tmp;

/** Warnings and rejections not yet reported, with what they were. */
const pending: string[] = [];
let fileDone = false;

function describeError(kind: string, err: unknown): string {
  if (err instanceof Error) return `${kind}: ${err.stack ?? `${err.name}: ${err.message}`}`;
  return `${kind}: ${String(err)}`;
}

function report(entry: string): void {
  if (!fileDone) {
    pending.push(entry);
    return;
  }
  // After the file's hooks nothing runs that could fail: an uncaught exception makes vitest fail the run.
  process.nextTick(() => {
    throw new Error(`after the last test of ${expect.getState().testPath ?? 'this file'}: ${entry}`);
  });
}

process.on('warning', (warning) => {
  if (!takeWarning(warning)) report(describeError('unexpected process warning', warning));
});
process.on('unhandledRejection', (reason) => report(describeError('unhandled rejection', reason)));

const HINT =
  '(a test that means to cause a warning captures it with captureWarnings() or expectWarnings() from ' +
  'test/helpers/warnings.ts)';

function flush(where: string): void {
  if (pending.length === 0) return;
  const entries = pending.splice(0);
  const hint = entries.some((e) => e.startsWith('unexpected process warning')) ? `\n\n${HINT}` : '';
  throw new Error(`${where}: ${entries.join('\n\n')}${hint}`);
}

afterEach(({ task }) => flush(`during "${task.name}"`));

// Registered first, so it runs after every afterAll of the test file itself (after hooks run in reverse).
afterAll(() => {
  fileDone = true;
  const problems: string[] = [];
  try {
    const left = readdirSync(tmp);
    if (left.length > 0) problems.push(`the test file left these in os.tmpdir(): ${left.join(', ')}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  try {
    flush('between tests');
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (problems.length > 0) throw new Error(problems.join('\n\n'));
});
