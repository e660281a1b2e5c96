#!/usr/bin/env node
// The tiny HTTP server every example supervises: the `web` program of examples/demo.mjs and web.conf.
//
//   node examples/worker.mjs -p 18001
//
// It answers every request with JSON naming itself, logs one line per request to stdout and a heartbeat to
// stderr (the demo sets redirectStderr, so both end up in one log file), and exits on SIGTERM, as a program
// run by supervisord should: in the foreground, never daemonizing.
import { createServer } from 'node:http';

const name = process.env.SUPERVISOR_PROCESS_NAME ?? 'worker';
const stamp = () => new Date().toISOString();
const log = (line) => process.stdout.write(`${stamp()} ${name}[${process.pid}] ${line}\n`);
const warn = (line) => process.stderr.write(`${stamp()} ${name}[${process.pid}] ${line}\n`);

const flag = process.argv.indexOf('-p');
const text = flag >= 0 ? process.argv[flag + 1] : undefined;
const port = Number(text);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  warn(`usage: worker.mjs -p <port>; got ${JSON.stringify(text)}`);
  process.exit(2);
}

const server = createServer((req, res) => {
  log(`${req.method} ${req.url}`);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ name, pid: process.pid, port }) + '\n');
});

server.on('error', (err) => {
  if (err.code === 'EADDRINUSE') {
    warn(`EADDRINUSE: port ${port} on 127.0.0.1 is already in use by another program`);
  } else {
    warn(`cannot listen on 127.0.0.1:${port}: ${err.code ?? err.message}`);
  }
  process.exit(1);
});

server.listen(port, '127.0.0.1', () => log(`listening on http://127.0.0.1:${port}/`));

// A heartbeat on stderr, to show redirect_stderr at work. unref(): it never keeps the worker alive alone.
setInterval(() => warn('heartbeat (stderr)'), 2000).unref();

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    log(`got ${sig}, closing`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
