// The machine-readable conventions a task request carries for the role brain:
// fenced file blocks to write (```file, ```fix, ```ci-fix, ```resolve) and [[test:]] /
// [[blocked:]] markers; `taskRequest` writes them, the parsers read them back.
import { scanDirectives } from '../anthropic/directive-syntax';

/**
 * `file`: written by implementation (and yolo). `fix`: written once a review
 * asked for work (NEEDS_WORK) or, in yolo, after the tests failed. `ci-fix`:
 * written by the PR agent when a CI check fails (the n-th block of a path in
 * the n-th fix round). `resolve`: a conflicted file's content once the branch
 * is brought up to date with a base branch that moved.
 */
export type FileBlockKind = 'file' | 'fix' | 'ci-fix' | 'resolve';

export interface FileEdit {
  kind: FileBlockKind;
  /** Relative to the worktree. */
  path: string;
  /** The block's lines, each ending with a newline. */
  content: string;
}

export interface TaskRequestSpec {
  /** The prose of the request (its first line doubles as the plan's summary). */
  summary: string;
  /** Files the implementation writes: path (relative to the worktree) → content. */
  files?: Readonly<Record<string, string>>;
  /** Files written after a NEEDS_WORK review (or failing tests in yolo). */
  fixes?: Readonly<Record<string, string>>;
  /**
   * Files the PR agent writes when a CI check fails: one set for the first fix
   * round, or a list of sets, the n-th for the n-th round.
   */
  ciFixes?: Readonly<Record<string, string>> | readonly Readonly<Record<string, string>>[];
  /** A conflicted file's resolution when the branch is rebased onto (or merged with) its base: path → content. */
  resolutions?: Readonly<Record<string, string>>;
  /** The test command review and yolo run instead of `npm test`. */
  tests?: string;
  /** Makes review (and yolo) answer BLOCKED with this reason. */
  blocked?: string;
}

function fenceFor(content: string): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** One fenced block: ```` ```kind path ```` … ```` ``` ````, the fence longer than any backtick run inside. */
export function fileBlock(kind: FileBlockKind, path: string, content: string): string {
  if (/\s/.test(path) || path.length === 0) throw new Error(`file block path must be non-empty without spaces: ${JSON.stringify(path)}`);
  const fence = fenceFor(content);
  const body = content.length === 0 || content.endsWith('\n') ? content : `${content}\n`;
  return `${fence}${kind} ${path}\n${body}${fence}`;
}

function marker(name: string, value: string): string {
  if (/[\n\]]/.test(value)) throw new Error(`[[${name}:]] takes one line without "]": ${JSON.stringify(value)}`);
  return `[[${name}: ${value}]]`;
}

const INTROS = {
  file: 'Write these files:',
  fix: 'When a review asks for changes, apply these fixes:',
  'ci-fix': 'When CI fails on the pull request, apply:',
  resolve: 'When the default branch conflicts, resolve each file to:',
  test: 'Test command:',
  blocked: 'Needs a human:',
} as const;

function blocks(kind: FileBlockKind, intro: string, files: Readonly<Record<string, string>> | undefined): string[] {
  const entries = Object.entries(files ?? {});
  if (entries.length === 0) return [];
  return [intro, ...entries.map(([path, content]) => fileBlock(kind, path, content))];
}

/** The intro of the n-th CI fix round's blocks (1-based). */
function ciRoundIntro(round: number): string {
  return round === 1 ? INTROS['ci-fix'] : `When CI fails again (fix round ${round}), apply:`;
}

function ciFixBlocks(ciFixes: TaskRequestSpec['ciFixes']): string[] {
  const rounds = Array.isArray(ciFixes) ? ciFixes : ciFixes === undefined ? [] : [ciFixes as Readonly<Record<string, string>>];
  // The n-th block of a path is its n-th round's fix: a path a round adds would be read as an earlier round's.
  rounds.forEach((files, i) => {
    const added = Object.keys(files).filter((path) => i > 0 && !(path in (rounds[i - 1] ?? {})));
    if (added.length > 0) throw new Error(`CI fix round ${i + 1} names ${added.join(', ')}, which round ${i} does not fix`);
  });
  return rounds.flatMap((files, i) => blocks('ci-fix', ciRoundIntro(i + 1), files));
}

/** A task document's text (the user's request) with edit instructions the role brain follows. */
export function taskRequest(spec: TaskRequestSpec): string {
  const parts = [
    spec.summary.trim(),
    ...blocks('file', INTROS.file, spec.files),
    ...blocks('fix', INTROS.fix, spec.fixes),
    ...ciFixBlocks(spec.ciFixes),
    ...blocks('resolve', INTROS.resolve, spec.resolutions),
  ];
  if (spec.tests !== undefined) parts.push(`${INTROS.test} ${marker('test', spec.tests)}`);
  if (spec.blocked !== undefined) parts.push(`${INTROS.blocked} ${marker('blocked', spec.blocked)}`);
  return `${parts.join('\n\n')}\n`;
}

const opening = /^((?:>[ \t]?)*)[ \t]*(`{3,})(file|fix|ci-fix|resolve)[ \t]+(\S+)[ \t]*$/;

/** A body line with the opening line's block-quote prefix removed; undefined when the quote ends. */
function unprefix(line: string, prefix: string): string | undefined {
  if (line.startsWith(prefix)) return line.slice(prefix.length);
  if (prefix.length > 0 && line.trimEnd() === prefix.trimEnd()) return '';
  return undefined;
}

/**
 * Every fenced file block of the given kinds, in document order. Blocks may sit
 * inside a block quote (the plan quotes the request with `> `): the opening
 * line's prefix is stripped from each body line.
 */
export function parseFileBlocks(text: string, kinds: readonly FileBlockKind[] = ['file', 'fix', 'ci-fix', 'resolve']): FileEdit[] {
  const lines = text.split('\n');
  const edits: FileEdit[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = opening.exec(lines[i] ?? '');
    if (!m) continue;
    const [, prefix = '', fence = '', kind = '', path = ''] = m;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = unprefix(lines[j] ?? '', prefix);
      if (line === undefined) break;
      const close = /^[ \t]*(`{3,})[ \t]*$/.exec(line);
      if (close && (close[1] ?? '').length >= fence.length) break;
      body.push(line);
    }
    if (kinds.includes(kind as FileBlockKind)) {
      edits.push({ kind: kind as FileBlockKind, path, content: body.map((l) => `${l}\n`).join('') });
    }
    i = j;
  }
  return edits;
}

/** The edits reduced to one per path, the later block winning, in first-seen order. */
export function latestEdits(edits: readonly FileEdit[]): FileEdit[] {
  const byPath = new Map<string, FileEdit>();
  for (const edit of edits) byPath.set(edit.path, edit);
  return [...byPath.values()];
}

/**
 * The CI fix rounds the blocks stand for: the n-th block of a path belongs to
 * the n-th round, so round n holds every path with at least n blocks.
 */
export function editRounds(edits: readonly FileEdit[]): FileEdit[][] {
  const seen = new Map<string, number>();
  const rounds: FileEdit[][] = [];
  for (const edit of edits) {
    const n = seen.get(edit.path) ?? 0;
    seen.set(edit.path, n + 1);
    (rounds[n] ??= []).push(edit);
  }
  return rounds;
}

/** The body of the last `[[name: …]]` marker in the text (e.g. `test`, `blocked`). */
export function findMarker(text: string, name: 'test' | 'blocked'): string | undefined {
  const found = scanDirectives(text).filter((d) => d.name === name);
  const body = found.at(-1)?.body;
  return body === undefined || body.length === 0 ? undefined : body;
}

/** The request's prose: file blocks and markers removed, blank runs collapsed. */
export function requestProse(text: string): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = opening.exec(lines[i] ?? '');
    if (!m) {
      kept.push(lines[i] ?? '');
      continue;
    }
    const fence = m[2] ?? '```';
    while (i + 1 < lines.length && !new RegExp(`^(?:>[ \\t]?)*[ \\t]*\`{${fence.length},}[ \\t]*$`).test(lines[i + 1] ?? '')) i++;
    i++;
  }
  const intros = new Set<string>(Object.values(INTROS));
  const isIntro = (line: string) => intros.has(line) || /^When CI fails again \(fix round \d+\), apply:$/.test(line);
  return kept
    .map((line) => line.replace(/\[\[(?:test|blocked):[^\]]*\]\]/g, ''))
    .filter((line) => !isIntro(line.replace(/^(?:>[ \t]?)*/, '').trim()))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A path inside the worktree: relative, no `..` segment. */
export function isSafeRelativePath(path: string): boolean {
  return !path.startsWith('/') && !path.split('/').includes('..') && !path.startsWith('~');
}
