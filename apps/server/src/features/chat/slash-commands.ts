// Slash commands for chats (docs/behaviour/chat.md#slash-commands): Markdown files in the task worktree's
// `.claude/commands/` (project) and in `$BOTTEGA_HOME/users/{id}/commands/`
// (the user's own), listed for the chat input and expanded here, on the
// server, before a message reaches any provider. A project command wins over
// a user command of the same name; an unknown `/word` is plain text.
//
// The folders are read confined: names are `[a-z0-9_-]` (one optional
// subfolder gives a `folder:name` namespace), a file or folder that resolves
// outside its root (symlinks included) is ignored, and so is a file over
// MAX_COMMAND_BYTES.
import { lstat, open, readdir, realpath } from 'node:fs/promises';
import { join, relative, sep, isAbsolute } from 'node:path';
import { AppError } from '../../errors';
import { userDir } from '../../harness/credential-store';

export type CommandSource = 'project' | 'user';

export interface SlashCommand {
  /** `name` or `folder:name`. */
  name: string;
  description: string;
  source: CommandSource;
  /** The file it came from (absolute, inside its root). */
  path: string;
}

/** A commands folder and the folder it must really be inside (its path may not lead out of it through a symlink). */
export interface CommandRoot {
  dir: string;
  within: string;
}

export interface CommandRoots {
  /** `<worktree>/.claude/commands` within the worktree, or null when the task has no worktree yet. */
  project: CommandRoot | null;
  /** `$BOTTEGA_HOME/users/{id}/commands` within the user's folder. */
  user: CommandRoot;
}

/** Largest command file read; bigger ones are ignored. */
export const MAX_COMMAND_BYTES = 64 * 1024;
/** Most commands taken from one root (the rest are ignored). */
export const MAX_COMMANDS_PER_ROOT = 200;
const MAX_DESCRIPTION = 200;
const SEGMENT = /^[a-z0-9_-]{1,64}$/;
const INVOCATION = /^\/([a-z0-9_-]{1,64}(?::[a-z0-9_-]{1,64})?)(?:\s+([\s\S]*))?$/;

export function userCommandsDir(home: string, userId: number): string {
  return join(userDir(home, userId), 'commands');
}

export function commandRoots(home: string, userId: number, worktreePath: string | null): CommandRoots {
  return {
    project: worktreePath ? { dir: join(worktreePath, '.claude', 'commands'), within: worktreePath } : null,
    user: { dir: userCommandsDir(home, userId), within: userDir(home, userId) },
  };
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`);
}

/** Real path of `path` when it exists and stays inside `realRoot`; null otherwise. */
async function confined(realRoot: string, path: string): Promise<string | null> {
  // Missing, a dangling or looping link, unreadable: not a command path.
  const real = await realpath(path).catch(() => null);
  return real !== null && isInside(realRoot, real) ? real : null;
}

/** Reads a regular file of at most MAX_COMMAND_BYTES; null for anything else. */
async function readCommandFile(path: string): Promise<string | null> {
  // Gone since it was listed, or not readable: no command.
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const s = await handle.stat();
    if (!s.isFile() || s.size > MAX_COMMAND_BYTES) return null;
    const buf = Buffer.alloc(MAX_COMMAND_BYTES + 1);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead > MAX_COMMAND_BYTES) return null;
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** `folder:name` → [folder, name.md]; null when a segment is not a valid name. */
function relativeFileOf(name: string): string[] | null {
  const parts = name.split(':');
  if (parts.length > 2 || !parts.every((p) => SEGMENT.test(p))) return null;
  parts[parts.length - 1] = `${parts[parts.length - 1]}.md`;
  return parts;
}

/** The root's real path when it is a directory really inside its `within`; null otherwise. */
async function realRootOf(root: CommandRoot | null): Promise<string | null> {
  if (root === null) return null;
  // A root that is missing or cannot be resolved has no commands (most projects have no .claude/commands).
  const [real, within] = await Promise.all([realpath(root.dir).catch(() => null), realpath(root.within).catch(() => null)]);
  if (real === null || within === null || !isInside(within, real)) return null;
  const s = await lstat(real).catch(() => null); // removed meanwhile: no root
  return s?.isDirectory() ? real : null;
}

/** One command file's contents, confined to its root; null when it is missing, escapes, or is too big. */
async function loadCommand(root: CommandRoot | null, name: string): Promise<{ path: string; text: string } | null> {
  const realRoot = await realRootOf(root);
  return realRoot === null ? null : loadFrom(realRoot, name);
}

async function loadFrom(realRoot: string, name: string): Promise<{ path: string; text: string } | null> {
  const parts = relativeFileOf(name);
  if (parts === null) return null;
  const path = await confined(realRoot, join(realRoot, ...parts));
  if (path === null) return null;
  const text = await readCommandFile(path);
  return text === null ? null : { path, text };
}

/** Splits optional YAML-like frontmatter (`---` lines) from the body. */
export function splitFrontmatter(text: string): { meta: Record<string, string>; body: string } {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const m = /^---\n([\s\S]*?)\n---\n?/.exec(normalized);
  if (!m) return { meta: {}, body: normalized };
  const meta: Record<string, string> = {};
  for (const line of (m[1] ?? '').split('\n')) {
    const kv = /^([A-Za-z0-9_-]+):\s*(.*)$/.exec(line);
    if (kv?.[1]) meta[kv[1]] = (kv[2] ?? '').trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return { meta, body: normalized.slice(m[0].length) };
}

/** `description:` from the frontmatter, else the first non-empty line of the body. */
export function describeCommand(text: string): string {
  const { meta, body } = splitFrontmatter(text);
  const fromMeta = meta.description?.trim();
  const first = body
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  const d = fromMeta || (first ?? '').replace(/^#+\s*/, '');
  return d.length > MAX_DESCRIPTION ? `${d.slice(0, MAX_DESCRIPTION - 1)}…` : d;
}

async function listRoot(root: CommandRoot | null, source: CommandSource): Promise<SlashCommand[]> {
  const realRoot = await realRootOf(root);
  if (realRoot === null) return [];
  const names: string[] = [];
  // Removed since it was resolved, or not listable: no commands from it.
  const top = await readdir(realRoot, { withFileTypes: true }).catch(() => []);
  for (const e of top) {
    if (e.name.endsWith('.md') && SEGMENT.test(e.name.slice(0, -3))) names.push(e.name.slice(0, -3));
    else if (SEGMENT.test(e.name) && (e.isDirectory() || e.isSymbolicLink())) {
      const dir = await confined(realRoot, join(realRoot, e.name));
      if (dir === null) continue;
      const inner = await readdir(dir, { withFileTypes: true }).catch(() => []); // removed or unlistable: no commands in it
      for (const f of inner)
        if (f.name.endsWith('.md') && SEGMENT.test(f.name.slice(0, -3))) names.push(`${e.name}:${f.name.slice(0, -3)}`);
    }
  }
  names.sort();
  const out: SlashCommand[] = [];
  for (const name of names) {
    if (out.length >= MAX_COMMANDS_PER_ROOT) break;
    const loaded = await loadFrom(realRoot, name);
    if (loaded) out.push({ name, description: describeCommand(loaded.text), source, path: loaded.path });
  }
  return out;
}

/** Every command available, project ones first; a user command shadowed by a project one is left out. */
export async function listCommands(roots: CommandRoots): Promise<SlashCommand[]> {
  const [project, user] = await Promise.all([listRoot(roots.project, 'project'), listRoot(roots.user, 'user')]);
  const taken = new Set(project.map((c) => c.name));
  return [...project, ...user.filter((c) => !taken.has(c.name))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `/name args…` → its parts; null when the message is not shaped like a command. */
export function parseInvocation(message: string): { name: string; args: string } | null {
  const m = INVOCATION.exec(message.trim());
  if (!m?.[1]) return null;
  return { name: m[1], args: (m[2] ?? '').trim() };
}

/** Whitespace-separated arguments; "double" or 'single' quotes keep spaces together. */
export function splitArguments(args: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(args); m !== null; m = re.exec(args)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/**
 * The command's body with `$ARGUMENTS` (the whole argument string) and
 * `$1`…`$9` (positional, empty when absent) substituted in one pass, so an
 * argument containing `$1` is never expanded again. A body without any
 * placeholder gets the arguments appended as `ARGUMENTS: …`.
 */
export function expandTemplate(text: string, args: string): string {
  const { body } = splitFrontmatter(text);
  const positional = splitArguments(args);
  let used = false;
  const expanded = body.replace(/\$(ARGUMENTS|[1-9])/g, (_m, key: string) => {
    used = true;
    return key === 'ARGUMENTS' ? args : (positional[Number(key) - 1] ?? '');
  });
  const trimmed = expanded.trim();
  return !used && args !== '' ? `${trimmed}\n\nARGUMENTS: ${args}` : trimmed;
}

/**
 * The message as the provider should receive it: a known command expanded
 * (project first, then user); anything else unchanged.
 */
export async function expandMessage(
  roots: CommandRoots,
  message: string,
): Promise<{ text: string; command: { name: string; source: CommandSource } | null }> {
  const inv = parseInvocation(message);
  if (!inv) return { text: message, command: null };
  for (const source of ['project', 'user'] as const) {
    const loaded = await loadCommand(roots[source], inv.name);
    if (!loaded) continue;
    const text = expandTemplate(loaded.text, inv.args);
    if (text === '') throw new AppError('VALIDATION_FAILED', `the command /${inv.name} expands to nothing; add some text to its file`);
    return { text, command: { name: inv.name, source } };
  }
  return { text: message, command: null };
}
