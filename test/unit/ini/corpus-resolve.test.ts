import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve.js';
import type { ProcessConfig, ResolvedConfig } from '../../../src/config/types.js';
import { ConfigError } from '../../../src/errors.js';
import { parseIni, toIni } from '../../../src/ini/index.js';
import { CORPUS, HAVE_CORPUS, caseOptions, caseText, corpusCases, expected, replaceHere } from './corpus-helpers.js';

/**
 * Known differences between procvisor and supervisord on the corpus (also listed in docs/ini.md):
 * the case name and why. Each must still fail the same way, so a fix shows up here.
 */
const KNOWN: Readonly<Record<string, string>> = {
  '067': 'an empty `command =` is accepted by supervisord, rejected by the config schema',
  '081': '[fcgi-program:x] is not supported',
};

/** Our resolved process in reference.py's JSON shape. */
function processJson(p: ProcessConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: p.name,
    command: typeof p.command === 'string' ? p.command : p.command.join(' '),
    directory: p.directory,
    umask: p.umask,
    priority: p.priority,
    autostart: p.autostart,
    autorestart: String(p.autorestart),
    startsecs: p.startsecs,
    startretries: p.startretries,
    user: p.user,
    stopsignal: p.stopsignal,
    stopwaitsecs: p.stopwaitsecs,
    stopasgroup: p.stopasgroup,
    killasgroup: p.killasgroup,
    exitcodes: [...p.exitcodes],
    redirect_stderr: p.redirectStderr,
    environment: { ...p.environment },
    serverurl: p.serverurl,
  };
  for (const ch of ['stdout', 'stderr'] as const) {
    const c = p[ch];
    out[`${ch}_logfile`] = c.logfile;
    out[`${ch}_logfile_maxbytes`] = c.logfileMaxbytes;
    out[`${ch}_logfile_backups`] = c.logfileBackups;
    out[`${ch}_capture_maxbytes`] = c.captureMaxbytes;
    out[`${ch}_events_enabled`] = c.eventsEnabled;
    out[`${ch}_syslog`] = c.syslog;
  }
  return out;
}

/** The groups of reference.py's JSON (event listener pools are left out: issue 5 resolves them). */
function groupsJson(resolved: ResolvedConfig): Record<string, unknown> {
  const groups = resolved.groups.map((g) => ({
    name: g.name,
    priority: g.priority,
    type: 'process',
    processes: g.processes.map(processJson),
  }));
  return {
    groups: [...groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    group_order: resolved.groups.map((g) => g.name),
  };
}

function withoutListeners(want: Record<string, unknown>): Record<string, unknown> {
  const groups = (want['groups'] as { type: string; name: string }[]).filter((g) => g.type !== 'eventlistener');
  const names = new Set(groups.map((g) => g.name));
  return { groups, group_order: (want['group_order'] as string[]).filter((n) => names.has(n)) };
}

describe.skipIf(!HAVE_CORPUS)('ini-corpus: parseIni + resolveConfig', () => {
  if (!HAVE_CORPUS) it.skip(`../shared/ini-corpus not found at ${CORPUS}`, () => {});
  for (const name of corpusCases()) {
    it(name, () => {
      const opts = caseOptions(name);
      const want = expected(name);
      let got: unknown;
      let config;
      try {
        config = parseIni(caseText(name), opts);
        got = groupsJson(resolveConfig(config, { env: opts.env, hostNodeName: 'testhost' }));
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        got = { error: err.issues[0]?.message };
      }
      got = replaceHere(got, path.join(CORPUS, 'files'));
      if (Object.hasOwn(KNOWN, name)) {
        expect(got).toHaveProperty('error');
        return;
      }
      expect(got).toEqual('error' in want ? { error: want['error'] } : withoutListeners(want));
      if (config) {
        // toIni round trip: the written file reads back to the same config.
        const again = parseIni(toIni(config), { ...opts, file: 'roundtrip.conf' });
        expect(again).toEqual(config);
        expect(again.eventListeners).toEqual(config.eventListeners);
      }
    });
  }
});
