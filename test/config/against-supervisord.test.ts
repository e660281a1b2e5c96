// Cross-checks resolveConfig against supervisord's own parser when it is installed (skipped otherwise).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';

const PY = '/usr/bin/python3';
const haveSupervisor = existsSync(PY) && existsSync('/usr/lib/python3/dist-packages/supervisor/options.py');

const INI = `[program:cat]
command=/bin/cat
[program:web]
command=/bin/web %(process_num)02d %(group_name)s
process_name=web_%(process_num)d
numprocs=11
priority=5
[program:a]
command=a %(group_name)s
[program:b]
command=b
priority=1
[group:g]
programs=b,a
priority=7
`;

const SCRIPT = `
import sys, json
sys.path.insert(0, '/usr/lib/python3/dist-packages')
from supervisor.options import ServerOptions, UnhosedConfigParser
from supervisor import datatypes
p = UnhosedConfigParser(); p.read_string(sys.argv[1])
o = ServerOptions(); o.here = '/here'
gs = o.process_groups_from_parser(p); gs.sort()
def enc(v):
    if v is datatypes.Automatic: return 'AUTO'
    if v is datatypes.RestartWhenExitUnexpected: return 'unexpected'
    if v is datatypes.RestartUnconditionally: return True
    return v
pc = [g for g in gs if g.name == 'cat'][0].process_configs[0]
print(json.dumps({
    'groups': [[g.name, g.priority, [[c.name, c.priority, c.command] for c in g.process_configs]] for g in gs],
    'defaults': {k: enc(getattr(pc, k)) for k in pc.req_param_names + pc.optional_param_names},
}))
`;

describe.skipIf(!haveSupervisor)('agrees with supervisord 4.2.5 options.py', () => {
  const theirs = JSON.parse(execFileSync(PY, ['-c', SCRIPT, INI], { encoding: 'utf8' })) as {
    groups: [string, number, [string, number, string][]][];
    defaults: Record<string, unknown>;
  };
  const ours = resolveConfig(
    {
      programs: {
        cat: { command: '/bin/cat' },
        web: {
          command: '/bin/web %(process_num)02d %(group_name)s',
          processName: 'web_%(process_num)d',
          numprocs: 11,
          priority: 5,
        },
        a: { command: 'a %(group_name)s' },
        b: { command: 'b', priority: 1 },
      },
      groups: { g: { programs: 'b,a' as never, priority: 7 } },
    },
    { env: {}, hostNodeName: 'box' },
  );

  it('builds and orders the same groups and processes', () => {
    expect(
      ours.groups.map((g) => [g.name, g.priority, g.processes.map((p) => [p.name, p.priority, p.command])]),
    ).toEqual(theirs.groups);
  });

  it('has the same defaults', () => {
    const cat = ours.groups.find((g) => g.name === 'cat')?.processes[0];
    const d = theirs.defaults;
    expect(cat).toMatchObject({
      name: d.name,
      command: d.command,
      directory: d.directory,
      umask: d.umask,
      priority: d.priority,
      autostart: d.autostart,
      autorestart: d.autorestart,
      startsecs: d.startsecs,
      startretries: d.startretries,
      user: d.uid,
      stopsignal: d.stopsignal,
      stopwaitsecs: d.stopwaitsecs,
      stopasgroup: d.stopasgroup,
      killasgroup: d.killasgroup,
      exitcodes: d.exitcodes,
      redirectStderr: d.redirect_stderr,
      environment: d.environment,
      serverurl: d.serverurl,
    });
    for (const c of ['stdout', 'stderr'] as const) {
      expect(cat?.[c]).toEqual({
        logfile: d[`${c}_logfile`],
        logfileMaxbytes: d[`${c}_logfile_maxbytes`],
        logfileBackups: d[`${c}_logfile_backups`],
        captureMaxbytes: d[`${c}_capture_maxbytes`],
        eventsEnabled: d[`${c}_events_enabled`],
        syslog: d[`${c}_syslog`],
        // procvisor's own options, off by default.
        timestamps: null,
        logfileInterval: null,
        logfileCompress: false,
      });
    }
  });
});
