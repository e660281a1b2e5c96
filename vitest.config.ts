import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Strictness: no process warning, no unhandled rejection, nothing left in os.tmpdir() (see the files).
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    // The setup fails a test on every process warning it does not expect, naming it in the failure; the
    // ones a test means to cause are captured and asserted. Node's own printing of them to stderr would
    // only be noise (the 'warning' event still fires under --no-warnings).
    execArgv: ['--no-warnings'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // Runs only as its own process (started by the watchdog, from dist/), where no test runner measures it.
      exclude: ['src/platform/watchdog-main.ts'],
      reporter: [['text', { skipFull: true }], 'text-summary', 'html'],
      reportsDirectory: 'coverage',
      thresholds: { lines: 90 },
    },
  },
});
