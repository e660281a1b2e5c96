// procvisor's benchmark suite: `npm run bench` (full, several minutes) or `npm run bench -- --quick`
// (small sizes, under a minute). Every figure is measured against a baseline in the same run, in
// alternating rounds, each measurement in a fresh Node process; medians are reported. Prints a table and
// writes bench/results/latest.json. See docs/performance.md.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { supervisordVersion } from './lib/supervisord.mjs';
import { median, medianRatio, runWorker, sleep, sweep, taggedPids } from './lib/util.mjs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const only = argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',')
  .map(Number);
const roundsArg = Number(argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? NaN);
const want = (row) => !only || only.includes(row);

const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${sig}: stopping every bench process...`);
    void sweep(tag).finally(() => process.exit(130));
  });
}

// ---- the machine ---------------------------------------------------------------------------------------

function sh(cmd) {
  try {
    return execFileSync('bash', ['-c', cmd], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

const cpuModel =
  /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model;
const limits = {
  nofileHard: Number(sh('ulimit -Hn')) || Infinity,
  nproc: Number(sh('ulimit -u')) || Infinity,
};
const machine = {
  nproc: os.availableParallelism(),
  cpu: cpuModel,
  memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
  supervisord: supervisordVersion(),
  ulimit: `-n ${sh('ulimit -n')} (hard ${sh('ulimit -Hn')}), -u ${sh('ulimit -u')}`,
  loadavgBefore: os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' '),
};

// ---- sizes -------------------------------------------------------------------------------------------------

const P = quick
  ? {
      rounds: 3,
      sizes: [50],
      log: { bytes: 20 * 2 ** 20, maxbytes: '5MB', label: '20 MB, maxbytes 5MB' },
      memory: { n: 50, rounds: 2 },
      idle: { n: 50, seconds: 2, rounds: 1 },
      crash: { programs: 20, seconds: 1, rounds: 2 },
      events: { count: 2000, rounds: 2 },
    }
  : {
      rounds: 5,
      sizes: [200, 1000],
      log: { bytes: 200 * 2 ** 20, maxbytes: '50MB', label: '200 MB, maxbytes 50MB' },
      memory: { n: 1000, rounds: 3 },
      idle: { n: 1000, seconds: 10, rounds: 3 },
      crash: { programs: 100, seconds: 10, rounds: 3 },
      events: { count: 20000, rounds: 3 },
    };
if (Number.isFinite(roundsArg)) P.rounds = roundsArg;

const notes = [];
/** N children need ~3 pipes each in the host (and supervisord); keep within the limits, saying so. */
function fit(n) {
  const byFds = Math.floor((limits.nofileHard - 256) / 4);
  const byProcs = Math.floor((limits.nproc - 1000) / 2);
  const m = Math.min(n, byFds, byProcs);
  if (m < n) notes.push(`N=${n} reduced to ${m} by ulimit (${machine.ulimit})`);
  return m;
}
P.sizes = P.sizes.map(fit);
P.memory.n = fit(P.memory.n);
P.idle.n = fit(P.idle.n);

const haveSd = machine.supervisord !== null;
if (!haveSd) notes.push('supervisord is not installed: its columns are skipped (apt-get install supervisor)');

// ---- running rounds ----------------------------------------------------------------------------------------

let leaks = 0;

/** One worker, then make sure nothing it started is left (a leftover is reported, then killed). */
async function measure(kase, variant, params, timeoutMs, nodeArgs) {
  const r = await runWorker({ tag, kase, variant, params, timeoutMs, nodeArgs });
  for (let i = 0; i < 40 && taggedPids(tag).length > 0; i++) await sleep(25);
  const left = await sweep(tag);
  if (left > 0) {
    leaks += left;
    notes.push(`${kase}/${variant}: ${left} process(es) were still alive after the worker ended, killed`);
  }
  if (r.error) notes.push(r.error);
  return r;
}

/** `rounds` rounds of every variant, the order alternating between rounds. Returns samples per variant. */
async function rounds(kase, variants, params, count, { timeoutMs = 300_000, nodeArgs = [] } = {}) {
  const samples = Object.fromEntries(variants.map((v) => [v, []]));
  for (let r = 0; r < count && !interrupted; r++) {
    const order = r % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      process.stderr.write(`  ${kase} ${JSON.stringify(params)} ${v} round ${r + 1}/${count}\r`);
      samples[v][r] = await measure(kase, v, params, timeoutMs, nodeArgs);
    }
  }
  process.stderr.write(`${' '.repeat(100)}\r`);
  return samples;
}

const pick = (list, key) => (list ?? []).map((x) => (x && !x.error && !x.skipped ? x[key] : NaN));

const rows = [];
function row(r) {
  rows.push(r);
}

/** Host CPU time medians (procvisor, raw, supervisord): steadier than wall time on a busy machine. */
function cpuCells(s, key, fmt) {
  return {
    procvisor: fmt(median(pick(s.procvisor, key))),
    raw: fmt(median(pick(s.raw, key))),
    supervisord: fmt(median(pick(s.supervisord, key))),
    ratio: fmtX(medianRatio(pick(s.procvisor, key), pick(s.raw, key))),
  };
}

const fmtMs = (v) => (v == null ? '—' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
const fmtX = (v) => (v == null ? '—' : `${v.toFixed(2)}×`);
const fmtUs = (ms) => (ms == null ? '—' : `${(ms * 1000).toFixed(0)} µs`);
const fmtMB = (v) => (v == null ? '—' : `${(v / 2 ** 20).toFixed(0)} MB`);
const fmtKB = (v) => (v == null ? '—' : `${(v / 1024).toFixed(0)} KB`);
const fmtRate = (v, unit) =>
  v == null ? '—' : `${v >= 10000 ? (v / 1000).toFixed(1) + 'k' : v.toFixed(v >= 100 ? 0 : 1)} ${unit}`;
const fmtMBs = (bytes, ms) => (ms == null ? '—' : `${(bytes / 2 ** 20 / (ms / 1000)).toFixed(0)} MB/s`);
const verdict = (ok) => (ok == null ? '—' : ok ? 'met' : 'MISSED');

// ---- rows ----------------------------------------------------------------------------------------------------

const sdVariant = haveSd ? ['supervisord'] : [];
const started = Date.now();

const startMedians = {};
if (want(1) || want(2)) {
  for (const n of P.sizes) {
    console.error(`rows 1-2: start/stop N=${n}`);
    const sdStart = haveSd ? ['supervisord', 'supervisordAutostart'] : [];
    const s = await rounds('start-stop', ['raw', 'procvisor', 'rawLoaded', ...sdStart], { n }, P.rounds);
    const pv = pick(s.procvisor, 'start');
    const raw = pick(s.raw, 'start');
    // Issue 14's target is against supervisord autostarting the programs; its best case, the
    // startAllProcesses(wait=True) call, is in the diagnostic.
    const sd = pick(s.supervisordAutostart, 'start');
    const sdRpc = pick(s.supervisord, 'start');
    startMedians[n] = median(pv);
    startMedians[`raw${n}`] = median(raw);
    const ratio = medianRatio(pv, raw);
    const vsSd = haveSd ? medianRatio(sd, pv) : null;
    row({
      id: '1',
      what: `start N=${n} until all RUNNING`,
      procvisor: fmtMs(median(pv)),
      baseline: fmtMs(median(raw)),
      ratio: fmtX(ratio),
      supervisord: haveSd ? `${fmtMs(median(sd))} (autostart)` : 'skipped',
      vsSupervisord: haveSd ? vsText(vsSd) : '—',
      // Issue 14's targets: N=200 at most 1.3× raw spawn; N=1000 at least 3× faster than supervisord.
      target: n <= 200 ? '≤ 1.3× raw' : '≥ 3× faster than supervisord autostarting',
      met: verdict(n <= 200 ? (ratio == null ? null : ratio <= 1.3) : vsSd == null ? null : vsSd >= 3),
      cpu: cpuCells(s, 'startCpu', (v) => fmtMs(v == null ? null : v)),
      diagnostic:
        `raw spawn from a host with procvisor loaded and the config resolved: ${fmtMs(median(pick(s.rawLoaded, 'start')))} ` +
        `(procvisor / that: ${fmtX(medianRatio(pv, pick(s.rawLoaded, 'start')))}); host RSS after start: ` +
        `procvisor ${fmtMB(median(pick(s.procvisor, 'rss')))}, raw ${fmtMB(median(pick(s.raw, 'rss')))}, ` +
        `loaded raw ${fmtMB(median(pick(s.rawLoaded, 'rss')))}` +
        (haveSd
          ? `; supervisord autostarting: first spawn ${fmtMs(median(pick(s.supervisordAutostart, 'firstSpawn')))} ` +
            `after its start, spawning ${fmtMs(median(pick(s.supervisordAutostart, 'spawnPhase')))}; ` +
            `supervisord's startAllProcesses(wait=True) over XML-RPC, its best case: ${fmtMs(median(sdRpc))} ` +
            `(procvisor ${vsText(medianRatio(sdRpc, pv))})`
          : ''),
      samples: s,
    });
    const spv = pick(s.procvisor, 'stop');
    const sraw = pick(s.raw, 'stop');
    const ssd = pick(s.supervisord, 'stop');
    const sRatio = medianRatio(spv, sraw);
    row({
      id: '2',
      what: `stop N=${n}`,
      procvisor: fmtMs(median(spv)),
      baseline: fmtMs(median(sraw)),
      ratio: fmtX(sRatio),
      supervisord: haveSd ? fmtMs(median(ssd)) : 'skipped',
      vsSupervisord: haveSd ? vsText(medianRatio(ssd, spv)) : '—',
      target: n >= 1000 ? 'at or under supervisord' : '— (no target set)',
      met:
        n >= 1000 && haveSd
          ? verdict(median(spv) == null || median(ssd) == null ? null : median(spv) <= median(ssd))
          : '—',
      cpu: cpuCells(s, 'stopCpu', (v) => fmtMs(v == null ? null : v)),
    });
  }
  if (P.sizes.length >= 2) {
    const [a, b] = P.sizes;
    const scale = startMedians[b] / startMedians[a];
    const limit = 5.5 * (b / a / 5);
    row({
      id: '1',
      what: `start N=${b} / start N=${a}`,
      procvisor: fmtX(scale),
      baseline: fmtX(startMedians[`raw${b}`] / startMedians[`raw${a}`]),
      ratio: '—',
      supervisord: '—',
      vsSupervisord: '—',
      target: `≤ ${limit.toFixed(1)}× (nothing superlinear)`,
      met: verdict(Number.isFinite(scale) ? scale <= limit : null),
    });
  }
}

/** A "how many times faster" ratio as text: `2.10× faster`, or `0.41× (slower)` below 1. */
function vsText(r) {
  if (r == null || !Number.isFinite(r)) return fmtX(r);
  return r >= 1 ? `${fmtX(r)} faster` : `${fmtX(r)} (slower)`;
}

if (want(3)) {
  console.error(`row 3: log throughput, ${P.log.label}`);
  const s = await rounds(
    'log',
    [
      'raw',
      'procvisor',
      'nodePipe',
      'nodeFloor',
      'nodeFloorFifo',
      'nodeFloorSync',
      'nodeRead',
      'nodeReadFifo',
      ...sdVariant,
    ],
    P.log,
    P.rounds >= 5 ? 5 : P.rounds,
  );
  const pv = pick(s.procvisor, 'ms');
  const raw = pick(s.raw, 'ms');
  const sd = pick(s.supervisord, 'ms');
  const ratio = medianRatio(raw, pv); // throughput ratio
  const vsSd = haveSd ? medianRatio(sd, pv) : null;
  /** A diagnostic variant's median time and host CPU, and its throughput against the direct write. */
  const timeAndCpu = (v) => `${fmtMs(median(pick(s[v], 'ms')))}, CPU ${fmtMs(median(pick(s[v], 'cpu')))}`;
  const vsDirect = (v) => fmtX(medianRatio(raw, pick(s[v], 'ms')));
  row({
    id: '3',
    what: `log ${P.log.label}, until on disk`,
    procvisor: `${fmtMs(median(pv))} (${fmtMBs(P.log.bytes, median(pv))})`,
    baseline: `${fmtMs(median(raw))} (${fmtMBs(P.log.bytes, median(raw))})`,
    ratio: `${fmtX(ratio)} throughput`,
    supervisord: haveSd ? `${fmtMs(median(sd))} (${fmtMBs(P.log.bytes, median(sd))})` : 'skipped',
    vsSupervisord: haveSd ? vsText(vsSd) : '—',
    target: '≥ 0.8× direct write; ≥ 1.2× supervisord; host CPU ≤ 2× supervisord',
    met: verdict(
      ratio == null
        ? null
        : ratio >= 0.8 &&
            (vsSd == null || vsSd >= 1.2) &&
            (!haveSd || median(pick(s.procvisor, 'cpu')) <= 2 * median(pick(s.supervisord, 'cpu'))),
    ),
    cpu: cpuCells(s, 'cpu', (v) => fmtMs(v == null ? null : v)),
    diagnostic:
      `plain Node stdout.pipe(rotating-file-stream): ${timeAndCpu('nodePipe')}; ` +
      `Node's floor (read the pipe, fs.writev what waits, nothing else): ${timeAndCpu('nodeFloor')} ` +
      `(procvisor / floor: ${fmtX(medianRatio(pick(s.nodeFloor, 'ms'), pv))} throughput); ` +
      `the same floor through a real pipe (a FIFO) instead of libuv's socketpair: ${timeAndCpu('nodeFloorFifo')} ` +
      `(that / direct write: ${vsDirect('nodeFloorFifo')} throughput); ` +
      `synchronous floor (fs.writeSync each chunk on the main thread, as supervisord writes; blocks the loop): ` +
      `${timeAndCpu('nodeFloorSync')} (that / direct write: ${vsDirect('nodeFloorSync')} throughput); ` +
      `reading alone (the output read and dropped, no file): ${timeAndCpu('nodeRead')} ` +
      `(that / direct write: ${vsDirect('nodeRead')} throughput); ` +
      `reading alone through a FIFO: ${timeAndCpu('nodeReadFifo')} (that / direct write: ${vsDirect('nodeReadFifo')} throughput)`,
    samples: s,
  });
}

if (want(4)) {
  console.error(`row 4: memory, N=${P.memory.n}`);
  const s = await rounds('memory', ['raw', 'procvisor'], { n: P.memory.n }, P.memory.rounds, {
    nodeArgs: ['--expose-gc'],
  });
  const pv = pick(s.procvisor, 'perProcess');
  const raw = pick(s.raw, 'perProcess');
  const gap = median(pv.map((v, i) => v - raw[i]));
  row({
    id: '4',
    what: `host RSS per process, N=${P.memory.n}`,
    procvisor: fmtKB(median(pv)),
    baseline: fmtKB(median(raw)),
    ratio: `${fmtX(medianRatio(pv, raw))} (${gap != null && gap >= 0 ? '+' : ''}${fmtKB(gap)})`,
    supervisord: '—',
    vsSupervisord: '—',
    target: '≤ 100 KB per process above raw',
    met: verdict(gap == null ? null : gap <= 100 * 1024),
    samples: s,
  });
}

if (want(5)) {
  const { n, seconds } = P.idle;
  console.error(`row 5: idle CPU, N=${n}, ${seconds} s`);
  const s = await rounds('idle', ['raw', 'procvisor', ...sdVariant], { n, seconds }, P.idle.rounds, {
    timeoutMs: 600_000,
  });
  const total = (list) => (list ?? []).map((x) => (x && !x.error ? x.hostMs + x.helperMs : NaN));
  const pv = total(s.procvisor);
  const raw = total(s.raw);
  const sd = total(s.supervisord);
  const pct = (ms) =>
    ms == null ? '—' : `${ms.toFixed(0)} ms CPU = ${((ms / (seconds * 1000)) * 100).toFixed(2)}%`;
  const extra = median(pv.map((v, i) => v - raw[i]));
  row({
    id: '5',
    what: `idle CPU over ${seconds} s, N=${n}`,
    procvisor: pct(median(pv)),
    baseline: pct(median(raw)),
    ratio: extra == null ? '—' : `${extra >= 0 ? '+' : ''}${extra.toFixed(0)} ms`,
    supervisord: haveSd ? pct(median(sd)) : 'skipped',
    vsSupervisord: '—',
    // One 10 ms tick a second would be 0.1 % of a core; "zero" means at most that above the raw host.
    target: 'indistinguishable from zero (≤ 0.1% of a core above raw)',
    met: verdict(extra == null ? null : extra <= seconds),
    samples: s,
  });
}

if (want(6)) {
  const { programs, seconds } = P.crash;
  console.error(`row 6: crash loop, ${programs} programs, ${seconds} s`);
  const s = await rounds('crash', ['raw', 'procvisor', ...sdVariant], { programs, seconds }, P.crash.rounds);
  const pv = pick(s.procvisor, 'restartsPerSec');
  const raw = pick(s.raw, 'restartsPerSec');
  const sd = pick(s.supervisord, 'restartsPerSec');
  const ratio = medianRatio(pv, raw);
  const p99 = median(pick(s.procvisor, 'p99'));
  const rawP99 = median(pick(s.raw, 'p99'));
  row({
    id: '6',
    what: `crash loop, ${programs} programs, ${seconds} s`,
    procvisor: `${fmtRate(median(pv), '/s')}, p99 ${fmtMs(p99)}`,
    baseline: `${fmtRate(median(raw), '/s')}, p99 ${fmtMs(rawP99)}`,
    ratio: fmtX(ratio),
    supervisord: haveSd ? fmtRate(median(sd), '/s') : 'skipped',
    vsSupervisord: haveSd ? vsText(medianRatio(pv, sd)) : '—',
    target: '≥ 0.8× raw; loop delay p99 < 20 ms',
    met: verdict(ratio == null ? null : ratio >= 0.8 && p99 < 20),
    cpu: cpuCells(s, 'cpuPerRestart', (v) => fmtMs(v == null ? null : v)),
    samples: s,
  });
}

if (want(7)) {
  const { count } = P.events;
  console.error(`row 7: events, ${count} PROCESS_COMMUNICATION_STDOUT`);
  const s = await rounds(
    'events',
    ['inprocess', 'listener', ...sdVariant, 'listenerOneCpu', ...(haveSd ? ['supervisordOneCpu'] : [])],
    { count },
    P.events.rounds,
  );
  const skipped = s.listener.find((x) => x?.skipped)?.skipped;
  row({
    id: '7',
    what: 'events/s to an in-process listener',
    procvisor: fmtRate(median(pick(s.inprocess, 'perSec')), 'ev/s'),
    baseline: '—',
    ratio: '—',
    supervisord: '— (no in-process listeners)',
    vsSupervisord: '—',
    target: '— (no target set)',
    met: '—',
    samples: s,
  });
  const lv = pick(s.listener, 'perSec');
  const sd = pick(s.supervisord, 'perSec');
  row({
    id: '7',
    what: 'events/s to an event listener process',
    procvisor: skipped ? `skipped: ${skipped}` : fmtRate(median(lv), 'ev/s'),
    baseline: '—',
    ratio: '—',
    supervisord: haveSd ? fmtRate(median(sd), 'ev/s') : 'skipped',
    vsSupervisord: haveSd && !skipped ? vsText(medianRatio(lv, sd)) : '—',
    target: '≥ 1.2× supervisord',
    met: haveSd && !skipped ? verdict(medianRatio(lv, sd) == null ? null : medianRatio(lv, sd) >= 1.2) : '—',
    diagnostic:
      `CPU per event of the supervising process (including the producer's output): procvisor ${fmtUs(median(pick(s.listener, 'cpuPerEvent')))}, supervisord ${fmtUs(median(pick(s.supervisord, 'cpuPerEvent')))}; ` +
      `every process on one CPU (taskset -c 0: no round trip waits for another CPU to wake): procvisor ${fmtRate(median(pick(s.listenerOneCpu, 'perSec')), 'ev/s')}, ` +
      `supervisord ${fmtRate(median(pick(s.supervisordOneCpu, 'perSec')), 'ev/s')} (${fmtX(medianRatio(pick(s.listenerOneCpu, 'perSec'), pick(s.supervisordOneCpu, 'perSec')))})`,
  });
}

// ---- report --------------------------------------------------------------------------------------------

const columns = [
  ['#', 'id'],
  ['measure', 'what'],
  ['procvisor', 'procvisor'],
  ['raw baseline', 'baseline'],
  ['procvisor / raw', 'ratio'],
  ['supervisord', 'supervisord'],
  ['vs supervisord', 'vsSupervisord'],
  ['target', 'target'],
  ['', 'met'],
];
const widths = columns.map(([h, k]) => Math.max(h.length, ...rows.map((r) => String(r[k]).length)));
const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
console.log('');
console.log(
  `procvisor bench${quick ? ' (--quick)' : ''}: ${machine.nproc} cores, ${machine.cpu}, ${machine.memory}, Node ${machine.node}, supervisord ${machine.supervisord ?? 'not installed'}`,
);
console.log(line(columns.map(([h]) => h)));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(columns.map(([, k]) => r[k])));
const cpuRows = rows.filter((r) => r.cpu);
if (cpuRows.length > 0) {
  console.log(
    '\nCPU time of the supervising process (user + system, all its threads; supervisord from /proc):',
  );
  const cw = [46, 12, 12, 12, 16];
  const cl = (c) => `| ${c.map((x, i) => String(x).padEnd(cw[i])).join(' | ')} |`;
  console.log(cl(['measure', 'procvisor', 'raw', 'supervisord', 'procvisor / raw']));
  console.log(cl(cw.map((w) => '-'.repeat(w))));
  for (const r of cpuRows) {
    const what = r.id === '6' ? `${r.what} (per restart)` : r.what;
    const raw = r.id === '3' ? '— (shell)' : r.cpu.raw;
    console.log(cl([what, r.cpu.procvisor, raw, r.cpu.supervisord, r.id === '3' ? '—' : r.cpu.ratio]));
  }
}
for (const r of rows.filter((x) => x.diagnostic))
  console.log(`\nrow ${r.id} (${r.what}), diagnostic: ${r.diagnostic}`);
machine.loadavgAfter = os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
console.log(`\nload average before ${machine.loadavgBefore}, after ${machine.loadavgAfter} (1, 5, 15 min)`);
if (notes.length > 0) {
  console.log('\nnotes:');
  for (const n of notes) console.log(`- ${n}`);
}
console.log(
  `\n${((Date.now() - started) / 1000).toFixed(0)} s; median of alternating rounds, each in a fresh Node process.`,
);

const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
// A partial run (--only) must not overwrite the full run's results.
const file = `${dir}${quick ? 'quick' : only ? 'partial' : 'latest'}.json`;
writeFileSync(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), quick, machine, params: P, notes, leaks, rows }, null, 2)}\n`,
);
console.log(`results: ${file}`);
await sweep(tag);
// A missed target is a result, not a failure; a worker that failed is.
process.exit(notes.some((n) => n.startsWith('worker ')) ? 1 : 0);
