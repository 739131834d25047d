// The task document as the roles see it: the request inside it, the edits to
// apply, and the Review Findings bodies (IN_PROGRESS, READY, NEEDS_WORK, BLOCKED).
import { fenceAround, replaceSectionBody, sectionBody, setTodos, unquote } from './markdown';
import type { TodoItem } from './markdown';
import { editRounds, isSafeRelativePath, latestEdits, parseFileBlocks } from './request';
import type { FileBlockKind, FileEdit } from './request';

/** The user's request: the plan's Original Request unquoted, or the whole document before planning. */
export function requestOf(doc: string): string {
  const original = sectionBody(doc, 'Original Request');
  return original === undefined ? doc : unquote(original);
}

export function findingsOf(doc: string): string {
  return sectionBody(doc, 'Review Findings') ?? '';
}

/** Whether the last review asked for work (its findings carry a NEEDS_WORK verdict). */
export function reviewAskedForWork(doc: string): boolean {
  return /NEEDS_WORK/.test(findingsOf(doc));
}

export interface EditSet {
  edits: FileEdit[];
  /** Paths refused because they leave the worktree. */
  refused: string[];
}

function safe(edits: FileEdit[]): EditSet {
  const latest = latestEdits(edits);
  return {
    edits: latest.filter((e) => isSafeRelativePath(e.path)),
    refused: latest.filter((e) => !isSafeRelativePath(e.path)).map((e) => e.path),
  };
}

/**
 * What implementation writes: the request's `file` blocks; after a NEEDS_WORK
 * review also its `fix` blocks and any file block the findings carry (later wins).
 */
export function implementationEdits(doc: string): EditSet {
  const request = requestOf(doc);
  const edits = parseFileBlocks(request, ['file']);
  if (reviewAskedForWork(doc)) edits.push(...parseFileBlocks(request, ['fix']), ...parseFileBlocks(findingsOf(doc), ['file', 'fix']));
  return safe(edits);
}

/** The request's blocks of one kind, safe paths only. */
export function requestEdits(doc: string, kind: FileBlockKind): EditSet {
  return safe(parseFileBlocks(requestOf(doc), [kind]));
}

/** The request's CI fix rounds (the n-th `ci-fix` block of a path is its n-th round's fix), safe paths only. */
export function ciFixRounds(doc: string): FileEdit[][] {
  return editRounds(parseFileBlocks(requestOf(doc), ['ci-fix']).filter((e) => isSafeRelativePath(e.path)));
}

/** Edits carried by arbitrary text (PR feedback). */
export function textEdits(text: string): EditSet {
  return safe(parseFileBlocks(text, ['file', 'fix']));
}

export function inProgressFindings(remaining: readonly TodoItem[]): string {
  return ['IN_PROGRESS', '', 'Remaining items:', ...remaining.map((i) => `- ${i.text}`)].join('\n');
}

export function readyFindings(command: string, output: string): string {
  return [
    '**Verdict: READY**',
    '',
    `Every To-Do item is checked and its work is in the change. Ran \`${command}\`: it passed.`,
    '',
    fenceAround(output || '(no output)'),
  ].join('\n');
}

export function needsWorkFindings(command: string, exitCode: number, output: string): string {
  return [
    '**Verdict: NEEDS_WORK**',
    '',
    `Ran \`${command}\`: it failed with exit code ${exitCode}.`,
    '',
    `- **critical** — \`${command}\`: the test suite fails. Done looks like the suite passing. Its output:`,
    '',
    fenceAround(output || '(no output)'),
    '',
    'Every To-Do item is unchecked again until the suite passes.',
  ].join('\n');
}

export function blockedFindings(reason: string): string {
  return ['**Verdict: BLOCKED**', '', `- **critical** — what remains needs a human: ${reason}`].join('\n');
}

/** The document with new Review Findings (and, for NEEDS_WORK, every To-Do item unchecked). */
export function withFindings(doc: string, findings: string, uncheck = false): string {
  const base = uncheck ? setTodos(doc, false) : doc;
  return replaceSectionBody(base, 'Review Findings', findings);
}
