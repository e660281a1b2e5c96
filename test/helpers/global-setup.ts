/**
 * vitest `globalSetup` (in the main process, once per run): makes the run's temporary directory, in which
 * every test file gets its own `os.tmpdir()` (see `setup.ts`), and removes it at the end. A file directory
 * still there then belongs to a worker that died before its checks: the run fails, naming it.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's temporary directory. */
    procvisorTmpRoot: string;
  }
}

export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), 'procvisor-test-'));
  chmodSync(root, 0o755);
  project.provide('procvisorTmpRoot', root);
  return () => {
    let left: string[] = [];
    try {
      left = readdirSync(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    if (left.length > 0) {
      throw new Error(`test files left temporary directories (a worker died?): ${left.join(', ')}`);
    }
  };
}
