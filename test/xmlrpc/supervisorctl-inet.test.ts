/**
 * Unmodified supervisorctl over TCP with Basic authentication (a `{SHA}` password on the server side)
 * against procvisor and supervisord running the same conf: authentication, the log stream with
 * credentials, then the reconfiguration commands (reread, add, remove, update, a broken conf), reload and
 * shutdown. In order, on the state the previous test left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEADLINE_MS } from '../helpers/wait.js';
import { ctl, haveClients, live, SUPERVISORCTL } from './clients.js';
import { Pair, serverSections } from './pair.js';

const TALKER = (line: string) => `
[program:talker]
command=/bin/sh -c 'echo ${line}; while read l; do echo "got $l"; done'
startsecs=0
stdout_logfile=%(here)s/talker.out
`;

const EXTRA = `
[program:extra]
command=/bin/sleep 1000
startsecs=0
`;

const conf =
  (...sections: string[]) =>
  (port: number) =>
    serverSections(port, 'inet') + sections.join('');

describe.skipIf(!haveClients)('supervisorctl over TCP with a password, against supervisord', () => {
  let pair: Pair;

  beforeAll(async () => {
    pair = await Pair.start(conf(TALKER('out-line')), ['talker']);
  }, 30_000);

  afterAll(async () => {
    await pair?.close();
  }, 30_000);

  it('authenticates: the right password works, a wrong one or none is refused', async () => {
    await pair.both(['status']);
    await pair.batch([
      ['stop', 'talker'],
      ['start', 'talker'],
      ['-p', 'wrong', 'status'],
      ['-u', 'bob', 'pid'],
    ]);
    // No credentials at all: supervisorctl says the server requires authentication.
    const res = await pair.both(['-u', '', '-p', '', 'status']);
    expect(res.stdout).toContain('Server requires authentication');
  });

  it('tail -f sends the credentials on the log stream too', async () => {
    const outputs = await Promise.all(
      [pair.real, pair.ours].map(async (h) => {
        const tail = live(SUPERVISORCTL, ['-c', h.conf, 'tail', '-f', 'talker']);
        await tail.waitFor('out-line\n');
        tail.child.kill('SIGINT');
        expect(await tail.exited).toBe(0);
        return tail.output().trimEnd();
      }),
    );
    expect(outputs[1]).toBe(outputs[0]);
  });

  it('reread, add and remove a new program', async () => {
    pair.rewrite(conf(TALKER('out-line'), EXTRA));
    await pair.batch([
      ['reread'],
      ['avail'],
      ['reread'],
      ['add', 'extra'],
      ['add', 'extra'],
      ['add', 'nosuch'],
      ['status'],
      ['remove', 'extra'],
      ['stop', 'extra'],
      ['remove', 'extra'],
      ['remove', 'extra'],
      ['status'],
    ]);
  });

  it('update adds, changes and removes groups', async () => {
    await pair.batch([['update'], ['status'], ['update']]);
    pair.rewrite(conf(TALKER('new-line'), EXTRA));
    await pair.batch([['reread'], ['update', 'nosuch'], ['update', 'talker'], ['status']]);
    pair.rewrite(conf(TALKER('new-line')));
    await pair.batch([['update'], ['status']]);
  });

  it('reread on a broken conf is CANT_REREAD', async () => {
    pair.rewrite(
      (port) => `${conf(TALKER('new-line'))(port)}\n[program:broken]\ncommand=/bin/true\nstartsecs=soon\n`,
    );
    const [real, ours] = await Promise.all([pair.real, pair.ours].map((h) => ctl(h.conf, ['reread'])));
    expect(real!.stdout).toMatch(/^ERROR: CANT_REREAD: /);
    // The same message, naming each host's own conf file.
    expect(ours!.stdout.replaceAll(pair.ours.dir, 'DIR')).toBe(real!.stdout.replaceAll(pair.real.dir, 'DIR'));
    expect(ours!.status).toBe(real!.status);
    pair.rewrite(conf(TALKER('new-line')));
    await pair.batch([['reread'], ['status']]);
  });

  it('reload restarts, then status', async () => {
    pair.rewrite(conf(TALKER('after-reload'), EXTRA));
    await pair.both(['reload']);
    await pair.settled(['talker', 'extra']);
    await pair.batch([['status'], ['tail', 'talker']]);
  });

  it('shutdown: the answer first, then the host shuts down', async () => {
    await pair.both(['shutdown']);
    const daemon = pair.real.daemon!;
    await expect(Promise.race([daemon.exited, deadline()])).resolves.toBe(0);
    await pair.ours.sup!.shutdown();
    expect((await pair.ours.sup!.getState()).statename).toBe('SHUTDOWN');
  });
});

function deadline(): Promise<never> {
  return new Promise((_, reject) => {
    setTimeout(() => reject(new Error('supervisord did not exit')), DEADLINE_MS).unref();
  });
}
