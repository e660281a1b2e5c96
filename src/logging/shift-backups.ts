/**
 * A rotation asked for now (`Supervisor.rotateLogs`), made while no stream holds the file: the backups shift
 * as rotating-file-stream's classical rotation shifts them (`file.N-1` -> `file.N`, the oldest dropped,
 * `file` -> `file.1`, gzipped when compressing); with no backups the file is removed (supervisord truncates).
 * @module
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Shifts the backups of `path` by one and moves `path` to `path.1` (`.gz` with `compress`). */
export async function shiftBackups(
  path: string,
  options: { readonly backups: number; readonly compress?: boolean },
): Promise<void> {
  const { backups } = options;
  if (backups === 0) {
    await rm(path, { force: true });
    return;
  }
  const ext = options.compress ? '.gz' : '';
  for (let n = backups; n >= 1; n--) {
    const from = n === 1 ? path : `${path}.${n - 1}${ext}`;
    const to = `${path}.${n}${ext}`;
    if (!(await exists(from))) continue;
    if (n === 1 && options.compress) {
      await pipeline(createReadStream(from), createGzip(), createWriteStream(to));
      await rm(from, { force: true });
    } else {
      await rename(from, to);
    }
  }
}
