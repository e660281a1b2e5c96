#!/usr/bin/env node
// Runs examples/web.conf, a supervisord.conf, with procvisor: `node examples/ini-demo.mjs`.
//
// It reads the file with `procvisor/ini`, adds a readiness check (a procvisor option supervisord does not
// have), starts the three workers, prints `supervisorctl status`, asks each worker over HTTP, and shuts
// everything down. Ports: WEB_PORT_PREFIX (default 181) gives 18100, 18101 and 18102.
/* global fetch -- Node 20's fetch, not in this project's ESLint globals */
import { Supervisor } from 'procvisor';
import { loadIniFile } from 'procvisor/ini';

const prefix = process.env.WEB_PORT_PREFIX ?? '181';
const file = new URL('./web.conf', import.meta.url).pathname;

// `%(ENV_WEB_PORT_PREFIX)s` in the file reads this environment, as supervisord reads its own.
const config = await loadIniFile(file, { env: { ...process.env, WEB_PORT_PREFIX: prefix } });

// The INI result is a plain config object: add what supervisord.conf cannot say. Each worker prints
// "listening on http://..." once its port is open, so RUNNING means "answers HTTP", not "up for 1 s".
const web = config.programs?.web;
if (!web) throw new Error(`${file} has no [program:web]`);
const ready = {
  ...config,
  programs: {
    ...config.programs,
    web: { ...web, readiness: { pattern: 'listening on', timeout: '20s' } },
  },
};

const sup = await Supervisor.launch(ready, { timeout: 60_000 }); // started, and every worker is ready
try {
  for (const info of await sup.getAllProcessInfo()) {
    // supervisorctl status: `web:web-00                       RUNNING   pid 4242, uptime 0:00:01`
    console.log(`${info.group}:${info.name}`.padEnd(33) + info.statename.padEnd(10) + info.description);
  }
  for (const n of [0, 1, 2]) {
    const port = `${prefix}${String(n).padStart(2, '0')}`;
    const res = await fetch(`http://127.0.0.1:${port}/`);
    console.log(`GET :${port} ->`, JSON.stringify(await res.json()));
  }
  await sup.stopProcess('web:*'); // supervisorctl stop web:*
  console.log('stopped:', (await sup.getAllProcessInfo()).map((i) => `${i.name}=${i.statename}`).join(' '));
} finally {
  await sup.shutdown(); // resolves when every child is gone
}
