// The published package, checked as users receive it: `npm pack` builds the real tarball once, then we check
// its file list, lint it with publint and @arethetypeswrong/cli (both offline), and import every entry point
// from an unpacked copy. `npm test` runs `npm run build` first, so dist/ is fresh.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  exports: Record<string, string | Record<string, string>>;
  bin?: Record<string, string>;
  dependencies: Record<string, string>;
};
/** Generous: npm and the linters start slowly on a loaded machine. */
const TOOL_TIMEOUT_MS = 120_000;

function run(cmd: string, args: string[], cwd = ROOT): SpawnSyncReturns<string> {
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: TOOL_TIMEOUT_MS });
  if (res.error) throw res.error;
  return res;
}

/** A tool's own binary from node_modules/.bin, so no `npx` lookup (and no network) is involved. */
const bin = (name: string): string => join(ROOT, 'node_modules', '.bin', name);

/** Every file under `dir`, as paths relative to ROOT. */
function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

let work: string;
let tarball: string;
let packed: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'procvisor-pack-'));
  const res = run('npm', ['pack', '--json', '--pack-destination', work]);
  expect(res.status, res.stderr).toBe(0);
  const [info] = JSON.parse(res.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info!.filename);
  packed = info!.files.map((f) => f.path).sort();
}, TOOL_TIMEOUT_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('contains only what users need', () => {
    // dist/ mirrors src/: one .js and one .d.ts per source file, so a leftover from a deleted source (or a
    // test build) shows up as an unexpected file, and a missing build output as a missing one.
    const sources = walk('src')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .map((f) => relative('src', f).replace(/\.ts$/, ''));
    const expected = [
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'package.json',
      'schema/procvisor.schema.json',
      ...sources.flatMap((s) => [`dist/${s}.js`, `dist/${s}.d.ts`]),
    ].sort();
    expect(packed).toEqual(expected);
  });

  it('has no source maps, tests, sources or build info', () => {
    expect(packed.filter((f) => /\.map$|\.test\.|^src\/|^test\/|tsbuildinfo|^\.|\/\./.test(f))).toEqual([]);
  });

  it('includes every target of "exports"', () => {
    const targets = Object.values(PKG.exports).flatMap((t) =>
      typeof t === 'string' ? [t] : Object.values(t),
    );
    for (const target of targets) expect(packed).toContain(target.replace(/^\.\//, ''));
  });
});

describe('linters', () => {
  it('publint reports nothing, not even a suggestion', () => {
    const res = run(bin('publint'), ['run', tarball, '--strict', '--level', 'suggestion']);
    expect(res.status, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toContain('All good!');
  });

  it('@arethetypeswrong/cli (esm-only profile) reports nothing', () => {
    const res = run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'json']);
    const report = JSON.parse(res.stdout) as {
      analysis: { problems: { kind: string; resolutionKind?: string }[] };
    };
    // The esm-only profile ignores exactly these resolutions: an ESM-only package cannot be require()d by
    // CommonJS under node16, nor resolved by node10 (which ignores "exports").
    const ignored = new Set(['node10', 'node16-cjs']);
    expect(report.analysis.problems.filter((p) => !ignored.has(p.resolutionKind ?? ''))).toEqual([]);
    expect(res.status, res.stderr).toBe(0);
  });
});

let appDir: string | undefined;
/** An app directory whose node_modules/procvisor is the tarball's content; its dependencies link to ours. */
function unpacked(): string {
  if (appDir) return appDir;
  const dir = join(work, 'app');
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, PKG.name), { recursive: true });
  const untar = run('tar', ['-xzf', tarball, '-C', join(modules, PKG.name), '--strip-components=1']);
  expect(untar.status, untar.stderr).toBe(0);
  for (const dep of Object.keys(PKG.dependencies)) {
    expect(existsSync(join(ROOT, 'node_modules', dep)), dep).toBe(true);
    symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep), 'dir');
  }
  appDir = dir;
  return dir;
}

describe('the unpacked package', () => {
  it('type-checks a user program under --strict, declarations included (skipLibCheck off)', () => {
    const app = unpacked();
    const types = join(app, 'node_modules', '@types');
    if (!existsSync(types)) symlinkSync(join(ROOT, 'node_modules', '@types'), types, 'dir');
    writeFileSync(
      join(app, 'main.ts'),
      [
        "import { Supervisor, type ProcessStateEvent } from 'procvisor';",
        "import { parseIni } from 'procvisor/ini';",
        "import { serveXmlRpc } from 'procvisor/xmlrpc';",
        "const sup = new Supervisor({ programs: { web: { command: 'node server.js', stopsignal: 'INT' } } });",
        "sup.on('PROCESS_STATE', (e: ProcessStateEvent) => console.log(e.processName, e.state));",
        "sup.getProcess('web')?.once('PROCESS_STATE_RUNNING', (e) => console.log(e.pid));",
        "sup.getGroup('web')?.off('PROCESS_STATE');",
        'void parseIni; void serveXmlRpc;',
        'await sup.start();',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          types: ['node'],
          skipLibCheck: false,
          noEmit: true,
        },
        files: ['main.ts'],
      }),
    );
    writeFileSync(join(app, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    const res = run(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app],
      app,
    );
    expect(res.stdout + res.stderr).toBe('');
    expect(res.status).toBe(0);
  });

  it('has the procvisor command: bin packed, with its shebang, running from the copy', () => {
    expect(PKG.bin).toEqual({ procvisor: './dist/cli/main.js' });
    expect(packed).toContain('dist/cli/main.js');
    const main = join(unpacked(), 'node_modules', PKG.name, 'dist', 'cli', 'main.js');
    expect(readFileSync(main, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const res = run(process.execPath, [main, '--version'], unpacked());
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toBe(`${PKG.version}\n`);
  });

  it('imports by name: every entry point, and the JSON schema', () => {
    const app = unpacked();
    writeFileSync(
      join(app, 'check.mjs'),
      [
        "import * as api from 'procvisor';",
        "import { Supervisor, ConfigError, ERROR_CODES, configJsonSchema, validateConfig } from 'procvisor';",
        "import { parseIni } from 'procvisor/ini';",
        "import schema from 'procvisor/schema.json' with { type: 'json' };",
        "import pkg from 'procvisor/package.json' with { type: 'json' };",
        "const config = parseIni('[supervisord]\\n[program:a]\\ncommand=/bin/true\\n', { here: '/' });",
        'const sup = new Supervisor(config, { killOnExit: false, handleSignals: false });',
        'let rejected = false;',
        'try { new Supervisor({ programs: { a: {} } }); } catch (err) { rejected = err instanceof ConfigError; }',
        'const invalid = validateConfig({ programs: { a: {} } });',
        'console.log(JSON.stringify({',
        '  groups: sup.config.groups.map((g) => g.name), rejected, codes: ERROR_CODES.length,',
        '  validated: invalid.ok === false && invalid.error instanceof ConfigError,',
        '  schema: typeof schema, sameSchema: JSON.stringify(configJsonSchema) === JSON.stringify(schema),',
        '  schemaExports: Object.keys(api).filter((k) => /schema/i.test(k)), version: pkg.version,',
        '}));',
      ].join('\n'),
    );
    const res = run(process.execPath, ['check.mjs'], app);
    expect(res.status, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      groups: ['a'],
      rejected: true,
      validated: true,
      schema: 'object',
      // The JSON Schema file and the exported object are one document; the zod schemas are not exported.
      sameSchema: true,
      schemaExports: ['configJsonSchema'],
      version: PKG.version,
    });
    expect(out.codes).toBeGreaterThan(10);
  });
});
