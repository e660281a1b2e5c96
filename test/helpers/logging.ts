/** Shared set-up of the logging tests: the logging fixture child as a program. */
import { fileURLToPath } from 'node:url';
import type { ProgramConfig } from '../../src/index.js';

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
