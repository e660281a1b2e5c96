// Tests that use the `api` fixture: a real HTTP server, ready before the first test, gone after the last.
import { expect } from 'vitest';
import { test } from './fixture.js';

test('the server answers', async ({ api }) => {
  const res = await fetch(`${api.url}/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ name: 'api' });
});

test('a crash is repaired by the supervisor', async ({ api }) => {
  const server = api.sup.getProcess('api')!;
  const pid = server.pid;
  process.kill(pid, 'SIGKILL');
  await server.waitForState((p) => p.pid !== pid && p.state === 'RUNNING', { timeout: 30_000 });
  expect((await fetch(`${api.url}/`)).status).toBe(200);
});
