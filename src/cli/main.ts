#!/usr/bin/env node
/**
 * The `procvisor` executable (package.json `bin`): `procvisor -c supervisord.conf`. See `run.ts`.
 * @module
 */

import { run } from './run.js';

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`Error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
// Everything is closed by now; a handle left open by a dependency must not keep the command alive.
setTimeout(() => process.exit(), 2000).unref();
