/**
 * An event listener written with supervisor's childutils, as superlance's memmon and httpok are, run by
 * procvisor from a supervisord.conf: it reaches the host through SUPERVISOR_SERVER_URL (exported as
 * supervisord exports it, from `[inet_http_server]`) with the credentials its `environment` gives, and on a
 * TICK restarts a program over XML-RPC while the host waits for its answer to the event.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor, type ListenerStateChangeRecord, type ProcessStateEvent } from '../../src/index.js';
import { loadIniFile } from '../../src/ini/index.js';
import { serveXmlRpc, type XmlRpcServer } from '../../src/xmlrpc/index.js';
import { waitForEvent } from '../helpers/wait.js';
import { freePort, haveClients, PYTHON } from './clients.js';

const LISTENER = fileURLToPath(new URL('../fixtures/xmlrpc-listener.py', import.meta.url));

describe.skipIf(!haveClients)('a childutils event listener', () => {
  let dir: string | undefined;
  let sup: Supervisor | undefined;
  let server: XmlRpcServer | undefined;

  afterEach(async () => {
    await server?.close();
    await sup?.shutdown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('restarts a program through getRPCInterface(os.environ) on TICK_5', async () => {
    dir = mkdtempSync(join(tmpdir(), 'listener-'));
    const port = await freePort();
    const conf = join(dir, 'supervisord.conf');
    const out = join(dir, 'restarts.jsonl');
    writeFileSync(
      conf,
      [
        '[supervisord]',
        '[inet_http_server]',
        `port=127.0.0.1:${port}`,
        'username=monitor',
        'password=secret',
        '[program:victim]',
        'command=/bin/sleep 1000',
        'startsecs=0',
        '[eventlistener:memmon]',
        `command=${PYTHON} ${LISTENER} ${out} victim`,
        'events=TICK_5',
        'environment=SUPERVISOR_USERNAME="monitor",SUPERVISOR_PASSWORD="secret"',
        '',
      ].join('\n'),
    );
    sup = new Supervisor(await loadIniFile(conf), { handleSignals: false });
    server = await serveXmlRpc(sup, {
      inet: { host: '127.0.0.1', port, username: 'monitor', password: 'secret' },
      log: () => {},
    });
    const states: string[] = [];
    sup.on('PROCESS_STATE', (e: ProcessStateEvent) => {
      if (e.processName === 'victim') states.push(e.state);
    });
    // The listener writes its line once startProcess has answered, then says OK: BUSY -> ACKNOWLEDGED.
    // The first TICK_5 comes within 5 s.
    const answered = waitForEvent<ListenerStateChangeRecord>(
      sup,
      'listenerStateChange',
      (r) => r.from === 'BUSY',
      20_000,
    );
    await sup.start();
    await sup.waitForReady();
    const firstPid = sup.getProcess('victim')!.pid;
    await answered;
    expect(states).toEqual(['STARTING', 'RUNNING', 'STOPPING', 'STOPPED', 'STARTING', 'RUNNING']);
    const [line] = readFileSync(out, 'utf8').trim().split('\n');
    expect(JSON.parse(line!)).toEqual({
      names: ['memmon', 'victim'],
      before: firstPid,
      after: sup.getProcess('victim')!.pid,
      state: 'RUNNING',
      url: `http://127.0.0.1:${port}`,
    });
    expect(sup.getProcess('victim')!.pid).not.toBe(firstPid);
  }, 30_000);
});
