// The servers of a supervisord.conf: [unix_http_server] / [inet_http_server] as serveXmlRpc options, the
// SUPERVISOR_SERVER_URL children get, and [supervisorctl] as supervisorctl reads it. Compared with the real
// supervisord's ServerOptions.realize and supervisorctl's ClientOptions.realize where Python is installed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { parseIni, serversOf } from '../../src/ini/index.js';
import type { IniConfig } from '../../src/ini/index.js';
import { ORACLE_MISSING } from './python-oracle.js';

const ENV = { HOME: '/home/user', USER: 'user', PATH: '/usr/bin:/bin' };

const CASES: Readonly<Record<string, string>> = {
  'unix and inet: the unix socket wins': `
[unix_http_server]
file=/run/a.sock
chmod=0770
chown=nobody:nogroup
[inet_http_server]
port=127.0.0.1:9001
username=u
password={SHA}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4
[supervisorctl]
serverurl=unix:///run/a.sock
`,
  'inet without a host: localhost': `
[inet_http_server]
port=9001
`,
  'inet on *, upper-case host elsewhere': `
[inet_http_server]
port=*:9002
[inet_http_server:second]
port=LocalHost:9003
[supervisorctl]
serverurl=http://127.0.0.1:9002
username=%(ENV_USER)s
password=secret
`,
  "named unix sections: the first; a relative file is the cwd's": `
[unix_http_server:one]
file=run/../one.sock
[unix_http_server:two]
file=/tmp/two.sock
[supervisorctl]
serverurl=unix://%(here)s/sub/../ctl.sock
`,
  'no server, default supervisorctl url': `
[supervisorctl]
`,
  'no server, no supervisorctl': '',
};

const PYTHON = String.raw`
import sys, json, warnings
warnings.simplefilter('ignore')
sys.path.insert(0, '/usr/lib/python3/dist-packages')
from supervisor.options import ServerOptions, ClientOptions
out = []
for f in sys.argv[1:]:
    so = ServerOptions()
    so.realize(args=['-c', f])
    r = {'serverurl': so.serverurl, 'supervisorctl': None}
    try:
        co = ClientOptions()
        co.realize(args=['-c', f])
        r['supervisorctl'] = {'serverurl': co.serverurl, 'username': co.username, 'password': co.password}
    except SystemExit:
        pass
    out.append(r)
print(json.dumps(out))
`;

const root = mkdtempSync(path.join(tmpdir(), 'procvisor-servers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Each case in its own directory (the cwd of both readers), with supervisord's files kept inside it. */
const files = Object.entries(CASES).map(([name, text], i) => {
  const dir = path.join(root, String(i));
  mkdirSync(dir);
  const file = path.join(dir, 'supervisord.conf');
  writeFileSync(file, `[supervisord]\nlogfile=${dir}/s.log\npidfile=${dir}/s.pid\n${text}`);
  return { name, dir, file };
});

function ours(
  file: string,
  dir: string,
): { serverurl: string | null; supervisorctl: unknown; config: IniConfig } {
  const config = parseIni(readFileSync(file, 'utf8'), { here: dir, file, env: ENV, cwd: dir });
  return {
    serverurl: resolveConfig(config, { env: ENV }).serverurl,
    supervisorctl: config.servers?.supervisorctl ?? null,
    config,
  };
}

describe.skipIf(ORACLE_MISSING !== null)('servers: equal to supervisord 4.2.5 and supervisorctl', () => {
  const theirs = (() => {
    if (ORACLE_MISSING !== null) return [];
    const results = files.map(({ file, dir }) => {
      const r = spawnSync('/usr/bin/python3', ['-c', PYTHON, file], { cwd: dir, env: ENV, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
      return (JSON.parse(r.stdout) as Record<string, unknown>[])[0];
    });
    return results;
  })();
  files.forEach(({ name, file, dir }, i) => {
    it(`${name}: SUPERVISOR_SERVER_URL and [supervisorctl]`, () => {
      const { config: _c, ...got } = ours(file, dir);
      expect(got).toEqual(theirs[i]);
    });
  });
});

it.skipIf(ORACLE_MISSING === null)(`supervisord comparisons skipped: ${ORACLE_MISSING ?? ''}`, () => {});

describe('serversOf: the options serveXmlRpc takes', () => {
  it('the first section of each kind, with credentials and the socket mode and owner', () => {
    const [first] = files;
    const { config } = ours(first!.file, first!.dir);
    expect(serversOf(config)).toEqual({
      inet: {
        host: '127.0.0.1',
        port: 9001,
        username: 'u',
        password: '{SHA}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4',
      },
      unix: { file: '/run/a.sock', chmod: 0o770, chown: 'nobody:nogroup' },
    });
  });

  it("supervisord's empty or * host is '' (every interface)", () => {
    const { config } = ours(files[2]!.file, files[2]!.dir);
    expect(serversOf(config)).toEqual({ inet: { host: '', port: 9002 } });
    expect(config.servers?.http.map((s) => s.section)).toEqual([
      'inet_http_server',
      'inet_http_server:second',
    ]);
  });

  it('unix: the default mode 0700, no owner; nothing at all without servers', () => {
    expect(serversOf(ours(files[3]!.file, files[3]!.dir).config)).toEqual({
      unix: { file: path.join(files[3]!.dir, 'one.sock'), chmod: 0o700 },
    });
    expect(serversOf(ours(files[4]!.file, files[4]!.dir).config)).toEqual({});
  });

  it('is not a config option: new Supervisor() and toIni do not see it, a copy drops it', () => {
    const { config } = ours(files[0]!.file, files[0]!.dir);
    expect(Object.keys(config)).not.toContain('servers');
    expect(serversOf({ ...config })).toEqual({});
  });
});

describe('[supervisord] logfile: the activity log options', () => {
  const read = (text: string): IniConfig =>
    parseIni(`[supervisord]\n${text}\n[program:a]\ncommand=/bin/true\n`, { here: '/srv', env: ENV });
  it('maps logfile, logfile_maxbytes, logfile_backups and loglevel as supervisord converts them', () => {
    const config = read('logfile=~/%(here)s.log\nlogfile_maxbytes=1MB\nlogfile_backups=3\nloglevel=DEBUG');
    expect(config).toMatchObject({
      logfile: '/home/user//srv.log',
      logfileMaxbytes: 1048576,
      logfileBackups: 3,
    });
    expect(resolveConfig(config, { env: ENV })).toMatchObject({
      logfile: '/home/user//srv.log',
      logfileMaxbytes: 1048576,
      logfileBackups: 3,
      loglevel: 'debug',
    });
  });
  it('sets nothing when the file sets nothing (the library writes no file it was not asked for)', () => {
    expect(Object.keys(read(''))).not.toContain('logfile');
  });
  it('logfile=syslog (supervisord logs to syslog) sets no file', () => {
    expect(resolveConfig(read('logfile=syslog'), { env: ENV }).logfile).toBeNull();
  });
  it("a literal % survives the config module's second expansion", () => {
    expect(resolveConfig(read('logfile=/var/log/100%%.log'), { env: ENV }).logfile).toBe('/var/log/100%.log');
  });
});
