// A task's attachments (`…/task-{t}/input_files/`). Names come from uploads and
// URLs, so they are sanitized and every path is confined to the directory.
import { lstat, mkdir, readdir, realpath, stat, unlink } from 'node:fs/promises';
import { AppError } from '../errors';
import { ifMissing } from '../fs-errors';
import { TEMP_PREFIX, writeFileAtomic } from './atomic-write';
import { readConfinedFile } from './confined-read';
import { resolveInside } from './paths';

export interface InputFileInfo {
  name: string;
  size: number;
  /** ISO-8601 time of the last write. */
  modifiedAt: string;
}

const MAX_NAME_BYTES = 200;
const invalid = (why: string) => new AppError('VALIDATION_FAILED', `invalid file name: ${why}`);

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * A safe file name for an upload, with unusual characters replaced by `_`.
 * Throws VALIDATION_FAILED for names that are empty, `.`/`..`, contain control
 * characters or a path separator (`/`, `\`: a name, never a path — browsers
 * send bare names), or exceed 200 UTF-8 bytes.
 */
export function sanitizeFileName(name: string): string {
  if (hasControlChars(name)) throw invalid('control characters are not allowed');
  if (/[\\/]/.test(name)) throw invalid(`${JSON.stringify(name.slice(0, 100))} contains a path separator; give a bare file name`);
  const base = name.normalize('NFC').trim();
  if (base === '' || base === '.' || base === '..') throw invalid(base === '..' ? '".." is not a file name' : 'the name is empty');
  const cleaned = base.replace(/[^\p{L}\p{M}\p{N} ._\-+()[\]@,=~]/gu, '_').replace(/^-/, '_');
  if (Buffer.byteLength(cleaned, 'utf8') > MAX_NAME_BYTES) throw invalid(`names are limited to ${MAX_NAME_BYTES} bytes`);
  if (cleaned.startsWith(TEMP_PREFIX)) throw invalid('the name is reserved');
  return cleaned;
}

/** Regular files in `dir`, sorted by name; [] if the directory does not exist or is not a real directory. */
export async function listInputFiles(dir: string): Promise<InputFileInfo[]> {
  if (!(await lstatOrNull(dir))?.isDirectory()) return [];
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const files = await Promise.all(
    entries
      .filter((e) => e.isFile() && !e.name.startsWith(TEMP_PREFIX))
      .map(async (e) => {
        const s = await stat(resolveInside(dir, e.name)).catch(ifMissing(null));
        return s ? { name: e.name, size: s.size, modifiedAt: s.mtime.toISOString() } : null;
      }),
  );
  return files.filter((f): f is InputFileInfo => f !== null).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function lstatOrNull(path: string) {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Creates `dir` if needed and refuses to work in it if it is a symlink or not a directory. */
async function ensureRealDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const s = await lstat(dir);
  if (!s.isDirectory()) throw new AppError('WORKSPACE_FAILED', 'the input files folder is not a real directory');
}

/** Stores `data` as `dir/name` atomically (an existing file of that name is replaced). */
export async function writeInputFile(dir: string, name: string, data: Uint8Array): Promise<InputFileInfo> {
  const safe = sanitizeFileName(name);
  const target = resolveInside(dir, safe);
  await ensureRealDir(dir);
  const existing = await lstatOrNull(target);
  if (existing?.isSymbolicLink()) throw new AppError('VALIDATION_FAILED', `${safe} is a symbolic link; refusing to write through it`);
  if (existing && !existing.isFile()) throw new AppError('VALIDATION_FAILED', `${safe} exists and is not a regular file`);
  await writeFileAtomic(target, data);
  const s = await stat(target);
  return { name: safe, size: s.size, modifiedAt: s.mtime.toISOString() };
}

/**
 * The bytes of `dir/name`, or null if there is no such regular file there.
 * Agents write this folder (it is in their sandbox), so the name may be a
 * symbolic link and the folder itself may have been swapped for one: the
 * folder must be a real directory, the file is opened without following a
 * link (nor blocking on a FIFO), and — where /proc names what was opened — it
 * must really sit in the folder's own place.
 */
export async function readInputFile(dir: string, name: string): Promise<Buffer | null> {
  const safe = sanitizeFileName(name);
  resolveInside(dir, safe);
  const read = await readConfinedFile(dir, safe);
  return read.kind === 'file' ? read.data : null;
}

/** Deletes `dir/name`; false if there is no such file. Never follows a link out of `dir`, nor works in a folder that is one. */
export async function deleteInputFile(dir: string, name: string): Promise<boolean> {
  const safe = sanitizeFileName(name);
  const target = resolveInside(dir, safe);
  if (!(await lstatOrNull(dir))?.isDirectory()) return false;
  const s = await lstatOrNull(target);
  if (!s) return false;
  if (s.isSymbolicLink()) {
    const [realDir, realTarget] = await Promise.all([realpath(dir), realpath(target).catch(() => null)]); // dangling or looping: refused below
    if (realTarget === null) throw new AppError('VALIDATION_FAILED', `${safe} is a dangling symbolic link; refusing to touch it`);
    resolveInside(realDir, realTarget);
  } else if (!s.isFile()) {
    throw new AppError('VALIDATION_FAILED', `${safe} is not a regular file`);
  }
  await unlink(target);
  return true;
}
