/**
 * `dependsOn` with `onExit` (procvisor): killing a dependency stops its dependents, then starts them again
 * once the dependency is RUNNING (`'restart'`).
 */
import { expect } from 'vitest';
import { it, prog } from '../helpers/core.js';

it('killing a dependency stops, then restarts, its dependents', async ({ supervise }) => {
  const h = supervise({
    programs: {
      db: prog([], { startsecs: 0, autorestart: true, priority: 1 }),
      web: prog([], { startsecs: 0, dependsOn: { db: { condition: 'ready', onExit: 'restart' } } }),
    },
  });
  const lines: string[] = [];
  h.sup.on('log', (r) => lines.push(r.message));
  await h.sup.start();
  await h.reach('web', 'RUNNING');
  const firstWeb = h.sup.getProcess('web')!.pid;
  process.kill(h.sup.getProcess('db')!.pid, 'SIGKILL');
  await h.reach('web', 'RUNNING', 2);
  expect(h.seq('web')).toEqual([
    'STOPPED->STARTING tries:0',
    'STARTING->RUNNING',
    'RUNNING->STOPPING',
    'STOPPING->STOPPED',
    'STOPPED->STARTING tries:0',
    'STARTING->RUNNING',
  ]);
  expect(h.sup.getProcess('web')!.pid).not.toBe(firstWeb);
  expect(lines).toContain('stopping: web (its dependency db exited)');
});
