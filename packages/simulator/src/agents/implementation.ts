// The implementation role (and YOLO's build phase): write the files the request
// (and a NEEDS_WORK review) spells out, then tick every To-Do item; no signal.
import { bash, done, need, readDocument } from './context';
import type { Action, RoleContext } from './context';
import { implementationEdits, reviewAskedForWork } from './document';
import { findSection, todoItems } from './markdown';
import { inDir, shq, writeFileCommand } from './shell';

export const IMPLEMENTATION_STEPS = {
  readDocument: 'Read the task document',
  write: (path: string) => `Write ${path}`,
  tick: 'Tick the finished To-Do items',
} as const;

const S = IMPLEMENTATION_STEPS;

/** `sed` that ticks every `- [ ]` of the To-Do List (of the whole file when it has none). */
export function tickCommand(documentPath: string, hasTodoSection: boolean): string {
  const range = hasTodoSection ? '/^## To-Do List/,/^## /' : '';
  return `sed -i '${range}s/^\\([[:space:]]*[-*][[:space:]]\\{1,\\}\\)\\[ \\]/\\1[x]/' ${shq(documentPath)}`;
}

/** Writes the edits and ticks the boxes; undefined once both are done. */
export function buildPhase(ctx: RoleContext, doc: string): Action | undefined {
  for (const edit of implementationEdits(doc).edits) {
    if (!ctx.steps.has(S.write(edit.path))) {
      return bash(S.write(edit.path), inDir(ctx.facts.worktreePath, writeFileCommand(edit.path, edit.content)));
    }
  }
  const unchecked = todoItems(doc).filter((i) => !i.checked);
  if (unchecked.length > 0 && !ctx.steps.has(S.tick)) {
    return bash(S.tick, tickCommand(need(ctx.facts, 'documentPath'), findSection(doc, 'To-Do List') !== undefined));
  }
  return undefined;
}

/** The final summary of a build pass. */
export function buildSummary(ctx: RoleContext, doc: string): string {
  const { edits, refused } = implementationEdits(doc);
  const failed = edits.filter((e) => ctx.steps.find(S.write(e.path))?.isError === true).map((e) => e.path);
  const ticked = ctx.steps.find(S.tick);
  const parts = [
    reviewAskedForWork(doc) ? 'Addressed the review findings first.' : '',
    edits.length > 0 ? `Wrote ${edits.map((e) => e.path).join(', ')}.` : 'The request names no files to write.',
    failed.length > 0 ? `Writing failed for ${failed.join(', ')}.` : '',
    refused.length > 0 ? `Refused paths outside the worktree: ${refused.join(', ')}.` : '',
    ticked
      ? ticked.isError
        ? 'Ticking the To-Do items failed.'
        : `Ticked ${todoItems(doc).filter((i) => !i.checked).length} To-Do items.`
      : 'Nothing was left to tick.',
  ];
  return parts.filter((p) => p.length > 0).join(' ');
}

export function implementationRole(ctx: RoleContext): Action {
  const doc = readDocument(ctx, S.readDocument);
  if (typeof doc !== 'string') return doc;
  return buildPhase(ctx, doc) ?? done(buildSummary(ctx, doc));
}
