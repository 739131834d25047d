// The private-files rule: the database (with its -wal and -shm files), the
// generated session secret and every per-user credential file are mode 0600,
// inside folders of mode 0700 ($BOTTEGA_HOME, users/, users/{id}/ and each
// provider folder). Bottega creates them that way whatever the umask (see
// secrets.ts, db/open.ts, harness/credential-store.ts); at start it checks the
// ones that exist and refuses to run while any is open to group or others,
// naming each file, its mode and the chmod that fixes it.
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config';
import { userDir, usersRoot } from './harness/credential-store';
import { CLAUDE_DIR } from './harness/providers/claude/credentials';
import { CODEX_DIR } from './harness/providers/codex/credentials';
import { OPENCODE_DIR } from './harness/providers/opencode/credentials';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Where a provider keeps the secret files Bottega writes, relative to its folder (folders first). */
const PROVIDER_SECRETS: Record<string, { dirs: string[]; files: string[] }> = {
  [CLAUDE_DIR]: { dirs: [], files: ['credentials.json'] },
  [CODEX_DIR]: { dirs: ['codex-home'], files: ['credentials.json', join('codex-home', 'auth.json')] },
  [OPENCODE_DIR]: { dirs: [], files: ['credentials.json'] },
};

export type PrivateKind = 'file' | 'dir';

export interface PrivatePath {
  path: string;
  kind: PrivateKind;
}

/** Raised at start when a private file or folder is open to group or others. */
export class InsecurePermissionsError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`refusing to start: secrets must be private to the account running Bottega\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InsecurePermissionsError';
    this.problems = problems;
  }
}

/** Quotes a path for a shell command line when it needs quoting. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/** The problem with one path's mode, or null when it is private (missing paths are fine). */
export async function permissionProblem(p: PrivatePath): Promise<string | null> {
  let mode: number;
  try {
    mode = (await stat(p.path)).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if ((mode & 0o077) === 0) return null;
  const wanted = p.kind === 'dir' ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
  const what = p.kind === 'dir' ? 'folder' : 'file';
  return `${what} ${p.path} has mode ${octal(mode)}, open to group or others; fix: chmod ${wanted.toString(8)} ${shellQuote(p.path)}`;
}

/** Throws InsecurePermissionsError when `p` exists and is open to group or others. */
export async function assertPrivate(p: PrivatePath): Promise<void> {
  const problem = await permissionProblem(p);
  if (problem) throw new InsecurePermissionsError([problem]);
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

/** Every private path of the instance that the rule covers (existing or not). */
export async function privatePaths(config: Pick<Config, 'home' | 'database'>): Promise<PrivatePath[]> {
  const { home } = config;
  const paths: PrivatePath[] = [
    { path: home, kind: 'dir' },
    { path: join(home, 'session-secret'), kind: 'file' },
    { path: usersRoot(home), kind: 'dir' },
  ];
  if (config.database.kind === 'sqlite') {
    const db = config.database.path;
    paths.push({ path: db, kind: 'file' }, { path: `${db}-wal`, kind: 'file' }, { path: `${db}-shm`, kind: 'file' });
  }
  const ids = (await listDir(usersRoot(home)))
    .filter((name) => /^[1-9][0-9]{0,15}$/.test(name))
    .map(Number)
    .filter(Number.isSafeInteger);
  for (const id of ids.sort((a, b) => a - b)) {
    const dir = userDir(home, id);
    paths.push({ path: dir, kind: 'dir' });
    for (const [provider, secrets] of Object.entries(PROVIDER_SECRETS)) {
      const pdir = join(dir, provider);
      paths.push({ path: pdir, kind: 'dir' });
      for (const d of secrets.dirs) paths.push({ path: join(pdir, d), kind: 'dir' });
      for (const f of secrets.files) paths.push({ path: join(pdir, f), kind: 'file' });
    }
  }
  return paths;
}

/**
 * The start-up check: every existing private path must have no group or other
 * permission bits. Lists every offender at once, each with its fix.
 */
export async function assertPrivateFiles(config: Pick<Config, 'home' | 'database'>): Promise<void> {
  const problems: string[] = [];
  for (const p of await privatePaths(config)) {
    const problem = await permissionProblem(p);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new InsecurePermissionsError(problems);
}

/** Creates $BOTTEGA_HOME as 0700 when it does not exist yet (an existing one is checked, not changed). */
export async function ensurePrivateHome(home: string): Promise<void> {
  const first = await mkdir(home, { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir's mode is filtered by the umask; set it exactly on the folder we made.
  if (first !== undefined) await chmod(home, PRIVATE_DIR_MODE);
}
