// One measurement in a fresh Node process: `node worker.mjs <case> <variant> <params-json>`. Prints
// `RESULT <json>` on success. procvisor is imported from dist/ (npm run bench builds it first).
import * as startStop from './cases/start-stop.mjs';
import * as log from './cases/log.mjs';
import * as memory from './cases/memory.mjs';
import * as idle from './cases/idle.mjs';
import * as crash from './cases/crash.mjs';
import * as events from './cases/events.mjs';

const cases = { 'start-stop': startStop, log, memory, idle, crash, events };

const [kase, variant, paramsJson] = process.argv.slice(2);
const fn = cases[kase]?.[variant];
if (!fn) {
  console.error(`unknown case/variant ${kase}/${variant}`);
  process.exit(2);
}
const procvisor =
  variant === 'raw' || variant.startsWith('supervisord') ? null : await import('../dist/index.js');
try {
  const result = await fn(JSON.parse(paramsJson), procvisor);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (err) {
  console.error(err?.stack ?? String(err));
  process.exit(1);
}
