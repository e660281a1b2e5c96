// `npm run docs` builds the API reference with zero warnings (typedoc.json sets treatWarningsAsErrors and
// checks that every export is documented). Here without writing the site: same validation, no output.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './markdown.js';

/** Generous: typedoc type-checks the whole project (about 10 s on two idle cores). */
const TYPEDOC_TIMEOUT_MS = 180_000;

it(
  'typedoc reports no warning',
  () => {
    const res = spawnSync(join(ROOT, 'node_modules', '.bin', 'typedoc'), ['--emit', 'none'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: TYPEDOC_TIMEOUT_MS,
    });
    if (res.error) throw res.error;
    expect(res.stdout + res.stderr).not.toMatch(/\[(warning|error)\]/);
    expect(res.status, res.stdout + res.stderr).toBe(0);
  },
  TYPEDOC_TIMEOUT_MS,
);
