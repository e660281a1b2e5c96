// Every TypeScript and JavaScript example in README.md and docs/ compiles under `tsc --strict`, against the
// built package (dist/, imported as `procvisor` through the package's self-reference), as a user's project
// would compile it; and the self-contained first program of getting-started.md runs.
//
// How the blocks become modules:
// - Each ```ts / ```typescript block is a .ts file, each ```js / ```javascript block an .mjs file (checked
//   with checkJs), in a directory of its page inside a temporary directory in the project (the
//   self-reference only works from inside the package), removed afterwards. All are checked by ONE tsc run.
// - A block whose first line is a file-name comment (`// fixtures.ts`, `// supervise.mjs`) is written under
//   that name, so the page's other blocks can import it (`import { launch } from './fixtures.js'`).
// - A block with an `import` is a whole module and must import what it uses. A block without one is a
//   fragment of its page: it is given imports of the package's exports it names (`Supervisor`,
//   `WaitTimeoutError`, ...).
// - Every block may use the variables the pages talk about without declaring them: `sup` (a Supervisor),
//   `config` (a SupervisorConfig), `text` (supervisord.conf text) and `here` (a directory). A block that
//   declares its own shadows them.
// - `<!-- not-checked: reason -->` on the line before a block skips it. Keep these few: a block that cannot
//   compile here for a reason outside the docs (a test runner whose types are not installed).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks, markdownFiles, ROOT, type CodeBlock } from './markdown.js';

/** Generous: one tsc run over about fifty small files takes a few seconds on two idle cores. */
const TSC_TIMEOUT_MS = 120_000;
/** Generous: the program waits startsecs (1 s) twice; a loaded machine may need many more. */
const RUN_TIMEOUT_MS = 90_000;

const LANGS: Record<string, 'ts' | 'mjs'> = { ts: 'ts', typescript: 'ts', js: 'mjs', javascript: 'mjs' };
const ENTRIES = {
  procvisor: 'index.js',
  'procvisor/ini': 'ini/index.js',
  'procvisor/xmlrpc': 'xmlrpc/index.js',
};

const GLOBALS = `// The variables the pages talk about, for blocks that use them without declaring them.
import type { Supervisor, SupervisorConfig } from 'procvisor';

declare global {
  var sup: Supervisor;
  var config: SupervisorConfig;
  var text: string;
  var here: string;
}
export {};
`;

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: 'ES2022',
    lib: ['ES2023', 'ESNext.Disposable'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    verbatimModuleSyntax: true,
    types: ['node'],
    allowJs: true,
    checkJs: true,
    skipLibCheck: true,
  },
  include: ['**/*'],
};

interface Written {
  readonly block: CodeBlock;
  /** Relative to the temporary directory. */
  readonly path: string;
  /** Lines added before the block's first line. */
  readonly offset: number;
}

const blocks = markdownFiles()
  .filter((f) => f !== 'CHANGELOG.md')
  .flatMap(codeBlocks)
  .filter((b) => b.lang in LANGS);
const checked = blocks.filter((b) => b.notChecked === undefined);

let tmp: string;
const written: Written[] = [];
/** tsc's diagnostics, by markdown file, as `file:line: message`. */
const errors = new Map<string, string[]>();

/** The package's value exports, by entry, from the build the blocks import. */
async function valueExports(): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const [specifier, file] of Object.entries(ENTRIES)) {
    const mod = (await import(pathToFileURL(join(ROOT, 'dist', file)).href)) as Record<string, unknown>;
    for (const name of Object.keys(mod)) if (!names.has(name)) names.set(name, specifier);
  }
  return names;
}

function fragmentImports(code: string, exports: Map<string, string>): string {
  const bySpecifier = new Map<string, string[]>();
  for (const [name, specifier] of exports) {
    if (!new RegExp(`(?<![\\w$.])${name}(?![\\w$])`).test(code)) continue;
    bySpecifier.set(specifier, [...(bySpecifier.get(specifier) ?? []), name]);
  }
  return [...bySpecifier].map(([spec, names]) => `import { ${names.join(', ')} } from '${spec}';`).join(' ');
}

function runTsc(cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: TSC_TIMEOUT_MS - 10_000,
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(ROOT, '.docs-check-'));
  const exports = await valueExports();
  const used = new Set<string>();
  for (const block of checked) {
    const dir = block.file.replace(/\.md$/, '').replace(/\//g, '-');
    const named = /^\/\/ ([\w.-]+\.(?:ts|mts|js|mjs))\s*$/.exec(block.code.split('\n')[0] ?? '');
    const name = named?.[1] ?? `line-${block.line}.${LANGS[block.lang]!}`;
    const path = join(dir, name);
    expect(used.has(path), `two blocks named ${path}`).toBe(false);
    used.add(path);
    const isModule = /^\s*(import|export)\b/m.test(block.code);
    const prelude = isModule ? '' : fragmentImports(block.code, exports);
    const offset = prelude === '' ? 0 : 1;
    const source = `${prelude === '' ? '' : `${prelude}\n`}${block.code}\n${isModule ? '' : 'export {};\n'}`;
    mkdirSync(join(tmp, dir), { recursive: true });
    writeFileSync(join(tmp, path), source);
    written.push({ block, path, offset });
  }
  writeFileSync(join(tmp, 'globals.d.ts'), GLOBALS);
  writeFileSync(join(tmp, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));

  const output = await runTsc(tmp);
  const byPath = new Map(written.map((w) => [w.path, w]));
  for (const line of output.split('\n')) {
    const m = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(line);
    if (!m) continue;
    const w = byPath.get(m[1]!);
    if (!w) {
      errors.set('(outside the blocks)', [...(errors.get('(outside the blocks)') ?? []), line]);
      continue;
    }
    const mdLine = w.block.line + Number(m[2]) - w.offset;
    errors.set(w.block.file, [...(errors.get(w.block.file) ?? []), `${w.block.file}:${mdLine}: ${m[4]}`]);
  }
  // Anything else tsc said (a bad option, a crash) must not pass unseen.
  if (!/^\s*$/.test(output) && errors.size === 0) throw new Error(`tsc said:\n${output}`);
}, TSC_TIMEOUT_MS);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the code blocks of the docs', () => {
  it('finds the blocks, and few are exempt', () => {
    expect(blocks.length).toBeGreaterThan(40);
    expect(blocks.filter((b) => b.notChecked !== undefined).length).toBeLessThanOrEqual(3);
  });

  it('compile as a whole, with no error outside the blocks', () => {
    expect(errors.get('(outside the blocks)') ?? []).toEqual([]);
  });

  it.each([...new Set(checked.map((b) => b.file))])('%s compiles under --strict', (file) => {
    expect(errors.get(file) ?? []).toEqual([]);
  });

  it(
    "getting-started.md's supervise.mjs runs: starts, restarts after a SIGKILL, shuts down",
    async () => {
      const w = written.find((x) => x.path.endsWith('supervise.mjs'));
      expect(w, 'getting-started.md has a block named supervise.mjs').toBeDefined();
      const file = join(tmp, w!.path);
      const res = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [file], {
          cwd: dirname(file),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
        child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
        const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS - 10_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, out });
        });
      });
      expect(res.code, `${relative(ROOT, file)}:\n${res.out}`).toBe(0);
      expect(res.out.match(/^clock: STARTING -> RUNNING$/gm)?.length, res.out).toBe(2);
      expect(res.out).toMatch(/^clock: RUNNING -> EXITED$/m);
      expect(res.out).toMatch(/^clock: STOPPING -> STOPPED$/m);
    },
    RUN_TIMEOUT_MS,
  );
});
