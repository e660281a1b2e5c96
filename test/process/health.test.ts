/**
 * `healthcheck` with a real child: an HTTP program that starts answering 500 is restarted after `failures`
 * checks, and is healthy again afterwards.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ProcessHealthEvent } from '../../src/index.js';
import { freePort } from '../xmlrpc/clients.js';
import { it } from '../helpers/core.js';

it('an HTTP program that starts answering 500 is restarted after `failures` checks', async ({
  supervise,
  tmp,
}) => {
  const port = await freePort();
  const server = join(tmp, 'server.mjs');
  // 200 for its first three requests, then 500: each new process starts healthy again.
  writeFileSync(
    server,
    `import { createServer } from 'node:http';
let n = 0;
createServer((req, res) => { res.statusCode = ++n <= 3 ? 200 : 500; res.end(); }).listen(${port}, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`,
  );
  const h = supervise({
    programs: {
      web: {
        command: [process.execPath, server],
        startsecs: 0,
        autorestart: true,
        healthcheck: {
          http: `http://127.0.0.1:${port}/`,
          period: '200ms',
          timeout: '2s',
          failures: 2,
          gracePeriod: '200ms',
        },
      },
    },
  });
  const health: ProcessHealthEvent[] = [];
  h.sup.on('PROCESS_HEALTH', (e) => health.push(e));
  await h.sup.start();
  await h.reach('web', 'RUNNING');
  const first = h.sup.getProcess('web')!.pid;
  await h.reach('web', 'RUNNING', 2);
  expect(h.sup.getProcess('web')!.pid).not.toBe(first);
  expect(h.seq('web').slice(1, 5)).toEqual([
    'STARTING->RUNNING',
    'RUNNING->STOPPING',
    'STOPPING->STOPPED',
    'STOPPED->STARTING tries:0',
  ]);
  expect(health.slice(0, 2).map((e) => `${e.health}:${e.failures}:${e.pid === first}`)).toEqual([
    'healthy:0:true',
    'unhealthy:2:true',
  ]);
});
