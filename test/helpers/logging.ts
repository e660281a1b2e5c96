/** Shared set-up of the logging tests: the logging fixture child as a program. */
import { fileURLToPath } from 'node:url';
import type { LogErrorRecord, ProgramConfig, Supervisor } from '../../src/index.js';

/** The logging fixture (see its header for the actions). */
export const LOGGING_CHILD = fileURLToPath(new URL('../fixtures/logging-child.mjs', import.meta.url));

/** A program running the logging fixture with these actions; `overrides` win. */
export function prog(actions: string[], overrides: Partial<ProgramConfig> = {}): ProgramConfig {
  return {
    command: [process.execPath, LOGGING_CHILD, ...actions],
    startsecs: 0,
    autorestart: false,
    stopwaitsecs: 2,
    ...overrides,
  };
}

/**
 * Records every `logError` of `sup`. `first` resolves at the first one: a process's log file opens in the
 * background, so a failure to open it comes after the spawn.
 */
export function logErrors(sup: Supervisor): { errors: LogErrorRecord[]; first: Promise<void> } {
  const errors: LogErrorRecord[] = [];
  const first = new Promise<void>((resolve) =>
    sup.on('logError', (r) => {
      errors.push(r);
      resolve();
    }),
  );
  return { errors, first };
}
