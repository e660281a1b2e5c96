import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { inspectIni, loadIniFile, parseIni, warningsOf } from '../../src/ini/index.js';
import { toFault } from '../../src/xmlrpc/faults.js';
import { captureWarnings } from '../helpers/warnings.js';

const opts = { here: '/srv', env: { HOME: '/home/u' }, warnings: false } as const;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('INI: every problem, supervisord first', () => {
  const text = [
    '[supervisord]', // 1
    'minfds=lots', // 2
    '[program:a]', // 3
    'command=/bin/true', // 4
    'startsecs=soon', // 5
    '[program:b]', // 6
    'autostart=perhaps', // 7
    '[program:c]', // 8
    'command=/bin/true', // 9
    '[inet_http_server]', // 10
    'port=nope', // 11
    '',
  ].join('\n');

  it('lists each bad option and section, in supervisord order, with file, line and section', () => {
    const err = configError(() => parseIni(text, { ...opts, file: '/etc/sup.conf' }));
    // supervisord stops at its first error; that one comes first, worded as supervisord words it.
    expect(err.issues[0]).toEqual({
      path: ['minfds'],
      message: "invalid literal for int() with base 10: 'lots'",
      file: '/etc/sup.conf',
      line: 2,
      section: 'supervisord',
    });
    expect(err.issues.map((i) => [i.section, i.line])).toEqual([
      ['supervisord', 2],
      ['program:a', 5],
      ['program:b', 7],
      ['inet_http_server', 11],
    ]);
    for (const issue of err.issues) {
      expect(issue).toHaveProperty('path');
      expect(issue).toHaveProperty('message');
      expect(issue.file).toBe('/etc/sup.conf');
    }
    expect(err.issues[1]!.message).toBe(
      "invalid literal for int() with base 10: 'soon' in section 'program:a' (file: '/etc/sup.conf')",
    );
    expect(err.message.split('\n')).toHaveLength(4);
  });

  it("the XML-RPC wire (CANT_REREAD) carries supervisord's first error only", () => {
    const err = configError(() => parseIni(text, opts));
    expect(toFault(err)?.faultString).toBe("CANT_REREAD: invalid literal for int() with base 10: 'lots'");
  });

  it('a group whose program is bad is reported once, and the other sections still are', () => {
    const err = configError(() =>
      parseIni(
        '[supervisord]\n[group:g]\nprograms=x,nosuch\n[program:x]\ncommand=/bin/true\n' +
          '[program:y]\ncommand=/bin/true\nnumprocs=2\n',
        opts,
      ),
    );
    expect(err.issues.map((i) => i.message)).toEqual([
      '[program:x] names unknown program or fcgi-program nosuch',
      "%(process_num) must be present within process_name when numprocs > 1 in section 'program:y' (file: '<string>')",
    ]);
  });

  it('a syntax error still stops the read', () => {
    const err = configError(() =>
      parseIni('[supervisord]\nno delimiter here\n[program:a]\nstartsecs=x\n', opts),
    );
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]!.message).toMatch(/^Source contains parsing errors/);
  });
});

describe('INI: unknown options', () => {
  const text =
    '[DEFAULT]\nanything=1\n[supervisord]\nlogfile_syslog=true\n[program:web]\ncommand=/bin/true\n' +
    'autorestrat=true\ndirecory=/tmp\nsocket=tcp://localhost:1\n[fcgi-program:f]\ncommand=/bin/true\n' +
    'socket=tcp://localhost:9000\nsocket_mode=0700x\n[group:g]\nprograms=web\nprority=1\n' +
    '[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory=supervisor.rpcinterface:make_main_rpcinterface\n' +
    'retries=2\n[include]\nfiles=/nonexistent-dir-for-test/*.conf\nfile=x\n[supervisorctl]\nhistory_file=~/.h\nprompt=x\nuser=u\n';

  it('are warnings by default, returned with file, line, section and a suggestion', () => {
    const text2 = text.replace('socket_mode=0700x\n', '');
    const config = parseIni(text2, { ...opts, file: '/etc/a.conf' });
    const found = warningsOf(config);
    expect(found.map((w) => [w.section, w.key, w.suggestion ?? null, w.line])).toEqual([
      ['supervisord', 'logfile_syslog', null, 4],
      ['program:web', 'autorestrat', 'autorestart', 7],
      ['program:web', 'direcory', 'directory', 8],
      ['program:web', 'socket', null, 9],
      ['group:g', 'prority', 'priority', 15],
      ['include', 'file', 'files', 21],
      ['supervisorctl', 'user', null, 25],
    ]);
    expect(found[1]).toEqual({
      code: 'PROCVISOR_INI_UNKNOWN_KEY',
      message: 'unknown option "autorestrat" in [program:web]; did you mean "autorestart"?',
      file: '/etc/a.conf',
      line: 7,
      section: 'program:web',
      key: 'autorestrat',
      suggestion: 'autorestart',
    });
    // Non-enumerable: not part of the config object itself.
    expect(Object.keys(config)).not.toContain('warnings');
    expect(warningsOf({ ...config })).toEqual([]);
    expect(inspectIni(text2, opts).unknownKeys).toHaveLength(7);
  });

  it('strict: errors with file:line and "did you mean", after supervisord\'s own errors', () => {
    const err = configError(() => parseIni(text, { ...opts, file: '/etc/a.conf', strict: true }));
    expect(err.issues[0]!.message).toBe('Invalid socket_mode value 0700x');
    expect(err.issues[2]).toEqual({
      path: ['programs', 'web', 'autorestrat'],
      message: 'unknown option "autorestrat" in [program:web]; did you mean "autorestart"?',
      file: '/etc/a.conf',
      line: 7,
      section: 'program:web',
    });
    expect(err.issues).toHaveLength(8);
    expect(err.message).toContain(
      '/etc/a.conf:7 [program:web]: programs.web.autorestrat: unknown option "autorestrat" in [program:web]; did you mean "autorestart"?',
    );
    // Only unknown options: the wire reports them all (supervisord has no first error here).
    const only = configError(() =>
      parseIni('[supervisord]\n[program:a]\ncommand=/bin/true\nautorestrat=true\n', {
        ...opts,
        strict: true,
      }),
    );
    expect(toFault(only)?.faultString).toBe(
      'CANT_REREAD: unknown option "autorestrat" in [program:a]; did you mean "autorestart"?',
    );
  });

  it('are printed once per file, section and option, as ProcvisorWarning PROCVISOR_INI_UNKNOWN_KEY', async () => {
    using warnings = captureWarnings({ message: 'unknown-keys-print.conf' });
    const file = '/etc/unknown-keys-print.conf';
    const conf = '[supervisord]\n[program:a]\ncommand=/bin/true\nautorestrat=true\nstartsecs=1\n';
    parseIni(conf, { here: '/srv', file });
    parseIni(conf, { here: '/srv', file });
    await tick();
    expect(warnings.warnings).toHaveLength(1);
    expect(warnings.warnings[0]).toMatchObject({
      name: 'ProcvisorWarning',
      code: 'PROCVISOR_INI_UNKNOWN_KEY',
    });
    expect(warnings.warnings[0]!.message).toBe(
      'procvisor: /etc/unknown-keys-print.conf:4: unknown option "autorestrat" in [program:a]; did you mean "autorestart"?',
    );
    // warnings: false returns them without printing.
    const config = parseIni(conf.replace('autorestrat', 'autostrat'), {
      here: '/srv',
      file,
      warnings: false,
    });
    await tick();
    expect(warnings.warnings).toHaveLength(1);
    expect(warningsOf(config).map((w) => w.key)).toEqual(['autostrat']);
  });

  it('loadIniFile returns them and takes strict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ini-unknown-'));
    try {
      const file = join(dir, 'supervisord.conf');
      writeFileSync(file, '[supervisord]\n[program:a]\ncommand=/bin/true\nstopsignl=INT\n');
      const config = await loadIniFile(file, { warnings: false });
      expect(warningsOf(config)).toMatchObject([
        { key: 'stopsignl', suggestion: 'stopsignal', file, line: 4 },
      ]);
      await expect(loadIniFile(file, { strict: true, warnings: false })).rejects.toMatchObject({
        issues: [
          {
            file,
            line: 4,
            section: 'program:a',
            message: expect.stringContaining('did you mean "stopsignal"'),
          },
        ],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
