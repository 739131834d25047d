// Reading a file from a folder an agent can write to (its archive folder, its
// worktree) without being its deputy: the folder must be a real folder, and
// the file is opened without following a link and without blocking on a FIFO,
// must be a regular file, and must really sit in that folder. Anything else
// is refused, so a link an agent planted never makes the server read a file
// the agent itself cannot see.
import { constants } from 'node:fs';
import { lstat, open, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ifMissing } from '../fs-errors';

export type ConfinedRead = { kind: 'file'; data: Buffer } | { kind: 'missing' } | { kind: 'refused' };

/** Reads `dir/name` (a plain file name) as described above. */
export async function readConfinedFile(dir: string, name: string): Promise<ConfinedRead> {
  const folder = await lstat(dir).catch(ifMissing(null));
  if (!folder) return { kind: 'missing' };
  if (!folder.isDirectory()) return { kind: 'refused' };
  const handle = await open(join(dir, name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return 'missing' as const;
      if (err.code === 'ELOOP') return 'refused' as const;
      throw err;
    },
  );
  if (typeof handle === 'string') return { kind: handle };
  try {
    if (!(await handle.stat()).isFile()) return { kind: 'refused' };
    // Without /proc (not Linux) the O_NOFOLLOW open above is the guard left.
    const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => null);
    if (opened !== null && opened !== join(await realpath(dirname(dir)), basename(dir), name)) return { kind: 'refused' };
    return { kind: 'file', data: await handle.readFile() };
  } finally {
    await handle.close();
  }
}
