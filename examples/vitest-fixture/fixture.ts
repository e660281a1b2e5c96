// A vitest fixture that starts a real server under procvisor, waits until it answers, hands it to the tests,
// and disposes of it afterwards, whatever happened: `shutdown()` resolves once every child is gone.
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test as base } from 'vitest';
import { Supervisor } from 'procvisor';

/** What the tests receive: the running supervisor and the server's base URL. */
export interface Api {
  readonly sup: Supervisor;
  readonly url: string;
}

const SERVER = fileURLToPath(new URL('../worker.mjs', import.meta.url));

/** A port nobody listens on now (the OS picks it), so parallel runs do not collide. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const test = base.extend<{ $file: { api: Api } }>({
  api: [
    // eslint-disable-next-line no-empty-pattern -- vitest reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const sup = await Supervisor.launch(
        {
          programs: {
            api: {
              command: [process.execPath, SERVER, '-p', String(port)],
              readiness: { http: `${url}/health`, timeout: '20s', interval: '50ms' },
              stdoutLogfile: 'NONE',
              redirectStderr: true,
            },
          },
        },
        { timeout: 30_000 }, // on failure, launch() shuts down and rejects with the server's last output
      );
      try {
        await use({ sup, url });
      } finally {
        await sup.shutdown();
      }
    },
    { scope: 'file' }, // one server per test file; `'test'` would start one per test
  ],
});
