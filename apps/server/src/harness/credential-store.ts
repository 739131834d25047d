// Per-user provider secrets on disk (docs/behaviour/providers.md#credentials): `$home/users/{id}/{provider}/`,
// directories 0700 and files 0600, ownership and modes checked on every read so
// a file another account could read or plant is refused, never used.
import { chmod, lstat, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import { writeFileAtomic } from '../workspace/atomic-write';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const SAFE_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** The root of all per-user state below the instance home. */
export function usersRoot(home: string): string {
  return join(home, 'users');
}

/** The directory of one user (not created). */
export function userDir(home: string, userId: number): string {
  if (!Number.isSafeInteger(userId) || userId <= 0) throw new Error(`invalid user id ${userId}`);
  return join(usersRoot(home), String(userId));
}

/** The directory holding one user's files for one provider (not created). */
export function providerDir(home: string, userId: number, provider: string): string {
  if (!SAFE_NAME.test(provider)) throw new Error(`invalid provider directory name ${JSON.stringify(provider)}`);
  return join(userDir(home, userId), provider);
}

/** Creates `dir` (and missing parents) with mode 0700, tightening it if it exists. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  const info = await lstat(dir);
  if (!info.isDirectory()) throw new Error(`${dir} is not a directory`);
  assertOwned(dir, info.uid);
  if ((info.mode & 0o777) !== DIR_MODE) await chmod(dir, DIR_MODE);
}

/** Creates `users/`, `users/{id}` and `users/{id}/{provider}`, each 0700; returns the last. */
export async function ensureProviderDir(home: string, userId: number, provider: string): Promise<string> {
  const dir = providerDir(home, userId, provider);
  await ensurePrivateDir(usersRoot(home));
  await ensurePrivateDir(userDir(home, userId));
  await ensurePrivateDir(dir);
  return dir;
}

function currentUid(): number | null {
  return typeof process.getuid === 'function' ? process.getuid() : null;
}

function assertOwned(path: string, uid: number): void {
  const me = currentUid();
  if (me !== null && uid !== me) {
    throw new Error(`${path} is owned by uid ${uid}, not by this server's uid ${me}; refusing to use it`);
  }
}

async function assertPrivateDir(dir: string): Promise<void> {
  const info = await stat(dir);
  assertOwned(dir, info.uid);
  if ((info.mode & 0o077) !== 0) {
    throw new Error(
      `${dir} is accessible to group or others (mode ${(info.mode & 0o777).toString(8)}); refusing to read secrets below it (chmod 700)`,
    );
  }
}

/**
 * Reads and validates a secret JSON file. Null when it does not exist.
 * Throws when the file is not a regular file owned by this uid with no
 * group/other permission bits, when its directory is open to group/others,
 * or when the content does not match `schema`.
 */
export async function readSecretJson<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
  let info;
  try {
    info = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (!info.isFile()) throw new Error(`${path} is not a regular file; refusing to read it`);
  assertOwned(path, info.uid);
  if ((info.mode & 0o077) !== 0) {
    throw new Error(
      `${path} is readable or writable by group or others (mode ${(info.mode & 0o777).toString(8)}); refusing to read it (chmod 600)`,
    );
  }
  await assertPrivateDir(dirname(path));
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`${path} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Writes `value` as JSON to `path` atomically with mode 0600 (the directory must exist). */
export async function writeSecretJson(path: string, value: unknown): Promise<void> {
  await assertPrivateDir(dirname(path));
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, FILE_MODE);
  await chmod(path, FILE_MODE);
}

/** Deletes one user's directory for a provider, with everything in it. */
export async function removeProviderDir(home: string, userId: number, provider: string): Promise<void> {
  await rm(providerDir(home, userId, provider), { recursive: true, force: true });
}
