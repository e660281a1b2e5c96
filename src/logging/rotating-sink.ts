/**
 * The rotating-file-stream a `LogFile` hands its file to (internal to `log-file.ts`): supervisord's backup
 * names, or truncation when `backups` is 0, behind a {@link BatchSink} unless it also rotates on time.
 * @module
 */
import { unlinkSync } from 'node:fs';
import { createStream } from 'rotating-file-stream';
import { BatchSink } from './batch-sink.js';
import type { LogFileOptions } from './log-file-options.js';
import type { Sink } from './log-file-state.js';

/** What the owner hears of a rotation: one begins, and the stream has (re)opened its file. */
export interface RotationHooks {
  rotation(): void;
  open(): void;
}

/** A rotating stream for `base`; `left`: the bytes before its next size rotation. */
export function rotatingSink(
  base: string,
  options: LogFileOptions,
  left: number,
  hooks: RotationHooks,
): Sink {
  const { maxbytes, backups, interval, compress } = options;
  const discard = `${base}.procvisor-truncated`;
  const ext = compress ? '.gz' : '';
  const name =
    backups > 0
      ? (index?: number | Date | null) => (index ? `${base}.${String(index)}${ext}` : base)
      : (index?: number | Date | null) => (index ? discard : base);
  const stream = createStream(name, {
    rotate: Math.max(1, backups),
    ...(maxbytes > 0 ? { size: `${maxbytes}B` } : {}),
    ...(interval ? { interval } : {}),
    ...(compress && backups > 0 ? { compress: 'gzip' } : {}),
  });
  stream.on('rotation', () => hooks.rotation());
  stream.on('rotated', (rotated: string) => {
    // backups=0: supervisord reopens the file truncated and the content is gone. This runs before the
    // stream reopens the base file (rotating-file-stream emits 'rotated' synchronously just before).
    if (backups === 0 && rotated) {
      try {
        unlinkSync(rotated);
      } catch {
        // already gone
      }
    }
  });
  stream.on('open', () => hooks.open());
  stream.on('warning', () => {});
  // A time rotation moves the size boundary at any moment: then each chunk is written as it came.
  return interval ? stream : new BatchSink(stream, { maxbytes, left });
}
