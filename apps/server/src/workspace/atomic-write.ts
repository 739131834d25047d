// Crash-safe file replacement for the archive: write a temporary file in the
// same directory, flush it, then rename it over the target (never a partial file).
import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temporary names start with this, so listings can tell them apart. */
export const TEMP_PREFIX = '.bottega-tmp-';

/** Replaces `path` with `data` atomically. The directory must exist. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = join(dirname(path), `${TEMP_PREFIX}${randomUUID()}-${basename(path).slice(0, 60)}`);
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
