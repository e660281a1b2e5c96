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
