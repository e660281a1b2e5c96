/**
 * Process warnings a test expects. The setup (`helpers/setup.ts`) fails a test on any process warning; a
 * test that makes the library warn on purpose (a throwing listener nobody hears: `ProcvisorListenerWarning`)
 * says which warnings it expects here, and asserts on them.
 */
import { DEADLINE_MS } from './wait.js';

/** Which warnings a capture takes: by `name` (the warning's type) and by message. */
export interface WarningMatch {
  /** The warning's name, e.g. `ProcvisorListenerWarning`. */
  readonly name?: string;
  /** A substring of, or a pattern for, the warning's message. */
  readonly message?: string | RegExp;
}

/** Warnings taken from the process while it is active; see {@link captureWarnings}. */
export interface WarningCapture extends Disposable {
  /** The matching warnings so far, in order. */
  readonly warnings: readonly Error[];
  /** Resolves with the `n`-th (1-based) matching warning, past or future; rejects after `timeoutMs`. */
  nth(n?: number, timeoutMs?: number): Promise<Error>;
  /** Stops capturing: from now on a matching warning fails the test again. */
  dispose(): void;
}

/** A capture as the setup sees it. */
interface ActiveCapture {
  matches(warning: Error): boolean;
  take(warning: Error): void;
}

/**
 * The active captures. On `globalThis` under a registered symbol, so that the setup and the test file share
 * it even if the module runner loads this module twice.
 */
const ACTIVE: Set<ActiveCapture> = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('procvisor.test.warning-captures')
] ??= new Set<ActiveCapture>()) as Set<ActiveCapture>;

/**
 * For the setup: hands `warning` to the first active capture that matches it; false when none does (an
 * unexpected warning).
 */
export function takeWarning(warning: Error): boolean {
  for (const capture of ACTIVE) {
    if (capture.matches(warning)) {
      capture.take(warning);
      return true;
    }
  }
  return false;
}

function matcher(match: WarningMatch): (warning: Error) => boolean {
  return (w) => {
    if (match.name !== undefined && w.name !== match.name) return false;
    if (typeof match.message === 'string') return w.message.includes(match.message);
    if (match.message) return match.message.test(w.message);
    return true;
  };
}

/**
 * Takes the process warnings that match `match` (every warning when empty) until disposed (`using` works);
 * the others still fail the test. Narrow the match: tests of a `describe.concurrent` block share the process.
 * @example
 * ```ts
 * using warnings = captureWarnings({ name: 'ProcvisorListenerWarning' });
 * await sup.startProcess('a');
 * expect((await warnings.nth()).message).toMatch(/threw/);
 * ```
 */
export function captureWarnings(match: WarningMatch = {}): WarningCapture {
  const warnings: Error[] = [];
  const waiters = new Set<() => void>();
  const active: ActiveCapture = {
    matches: matcher(match),
    take: (w) => {
      warnings.push(w);
      for (const wake of [...waiters]) wake();
    },
  };
  ACTIVE.add(active);
  const dispose = () => {
    ACTIVE.delete(active);
  };
  return {
    warnings,
    nth: (n = 1, timeoutMs = DEADLINE_MS) =>
      new Promise<Error>((resolve, reject) => {
        const check = () => {
          const hit = warnings[n - 1];
          if (hit === undefined) return;
          finish();
          resolve(hit);
        };
        const timer = setTimeout(() => {
          finish();
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for warning ${n} matching ${describe(match)}; ` +
                `got: ${JSON.stringify(warnings.map((w) => `${w.name}: ${w.message}`))}`,
            ),
          );
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    dispose,
    [Symbol.dispose]: dispose,
  };
}

/**
 * Runs `fn` while capturing the warnings that match `match`, and resolves with them; rejects if `fn` led to
 * none. Node emits a warning on the tick after `process.emitWarning`, so this waits one turn after `fn`.
 */
export async function expectWarnings(fn: () => unknown, match: WarningMatch = {}): Promise<Error[]> {
  using capture = captureWarnings(match);
  await fn();
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (capture.warnings.length === 0)
    throw new Error(`expected a process warning matching ${describe(match)}`);
  return [...capture.warnings];
}

function describe(match: WarningMatch): string {
  return JSON.stringify({ name: match.name, message: match.message?.toString() });
}
