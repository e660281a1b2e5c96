/**
 * The whole INI pipeline on one file, compared with supervisord's parse in reference.py's JSON shape:
 * parseIni → resolveConfig (the config `new Supervisor()` resolves), mapped to that shape; and the toIni
 * round trip, parseIni(toIni(c)) equal to c.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import type { ProcessConfig, ResolvedConfig } from '../../src/config/types.js';
import { ConfigError } from '../../src/errors.js';
import { inspectIni, parseIni, supervisorStdout, toIni } from '../../src/ini/index.js';
import { fileOptions, replaceHere } from './corpus-helpers.js';

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

function byName<T extends { name: string }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Groups and order of a resolved config, event listener pools included. */
export function groupsJson(resolved: ResolvedConfig): Record<string, unknown> {
  const groups = resolved.groups.map((g) => ({
    name: g.name,
    priority: g.priority,
    type: g.listener ? 'eventlistener' : g.socket ? 'fcgi' : 'process',
    processes: g.processes.map(processJson),
    ...(g.socket ? { socket: { backlog: g.socket.backlog, mode: g.socket.mode, url: g.socket.url } } : {}),
    ...(g.listener
      ? {
          events: [...g.listener.events].sort(),
          buffer_size: g.listener.bufferSize,
          // Only supervisord's default handler can be given as text; supervisor-stdout's has a built-in.
          result_handler:
            g.listener.resultHandler === supervisorStdout
              ? 'supervisor_stdout:event_handler'
              : g.listener.resultHandler
                ? '<function>'
                : 'supervisor.dispatchers:default_handler',
        }
      : {}),
  }));
  return { groups: byName(groups), group_order: resolved.groups.map((g) => g.name) };
}

/**
 * Checks parseIni + resolveConfig against supervisord's JSON for `file`, and the toIni round trip.
 * @param known a reason when procvisor deliberately differs: then the file must be rejected
 */
export function checkPipeline(file: string, want: Record<string, unknown>, known?: string): void {
  const opts = fileOptions(file);
  let got: unknown;
  let config;
  try {
    config = parseIni(readFileSync(file, 'utf8'), opts);
    got = groupsJson(resolveConfig(config, { env: opts.env, hostNodeName: 'testhost' }));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    got = { error: err.issues[0]?.message };
  }
  got = replaceHere(got, path.dirname(file));
  if (known !== undefined) {
    expect(got, known).toHaveProperty('error');
    return;
  }
  expect(got).toEqual(
    'error' in want ? { error: want['error'] } : { groups: want['groups'], group_order: want['group_order'] },
  );
  if (config) {
    const text = toIni(config);
    const again = parseIni(text, { ...opts, file: 'roundtrip.conf' });
    expect(again, text).toEqual(config);
    expect(again.eventListeners, text).toEqual(config.eventListeners);
  }
}

/** Our view of a file, in reference.py's JSON shape (an error as `{ error }`). */
export function ourView(file: string): unknown {
  try {
    const {
      warnings: _w,
      unknownKeys: _u,
      ...model
    } = inspectIni(readFileSync(file, 'utf8'), fileOptions(file));
    return replaceHere(model, path.dirname(file));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return replaceHere({ error: err.issues[0]?.message }, path.dirname(file));
  }
}
