// The branch's diff against its base: the changed files with their line
// counts, then the rendered patch (its renderer loads on first use).
import { lazy, Suspense, useState } from 'react';
import { ChevronDown, ChevronRight, RefreshCw } from 'lucide-react';
import type { DiffFileStatus, TaskDto } from '@bottega/protocol';
import { Badge, Button, EmptyState, ErrorState, LoadingState } from '../../ui';
import { useTaskDiff } from './task-data';
import { components } from '../../lib/chunks';

const DiffView = lazy(components.diffView);

const statusTone: Record<DiffFileStatus, 'green' | 'red' | 'amber' | 'stone'> = {
  added: 'green',
  deleted: 'red',
  modified: 'amber',
  type_changed: 'stone',
};

export function DiffPanel({ task }: { task: TaskDto }) {
  const diff = useTaskDiff(task.id);
  const [showPatch, setShowPatch] = useState(true);
  return (
    <section aria-labelledby="diff-heading" className="rounded-lg border border-stone-200 bg-white p-4" data-testid="diff-panel">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id="diff-heading" className="text-lg font-semibold">
          Changes{diff.data?.base ? <span className="ml-2 text-sm font-normal text-stone-500">against {diff.data.base}</span> : null}
        </h2>
        <Button variant="ghost" icon={RefreshCw} busy={diff.isFetching && !diff.isPending} onClick={() => void diff.refetch()}>
          Refresh
        </Button>
      </div>
      {diff.isPending ? (
        <LoadingState label="Computing the diff…" />
      ) : diff.isError ? (
        <ErrorState error={diff.error} retry={() => void diff.refetch()} />
      ) : diff.data.head === null ? (
        <EmptyState title="No worktree to compare">
          {task.workspaceStatus === 'preparing'
            ? 'The worktree is still being checked out.'
            : 'This task has no ready worktree, so there is no branch diff to show.'}
        </EmptyState>
      ) : diff.data.files.length === 0 ? (
        <EmptyState title="No changes yet">The branch has no changes against {diff.data.base}.</EmptyState>
      ) : (
        <>
          <ul className="mb-3 divide-y divide-stone-100 rounded-md border border-stone-200 text-sm" aria-label="Changed files">
            {diff.data.files.map((f) => (
              <li key={f.path} className="flex items-center justify-between gap-2 px-3 py-1.5">
                <span className="min-w-0 truncate font-mono text-xs" title={f.path}>
                  {f.path}
                </span>
                <span className="flex shrink-0 items-center gap-2">
                  <Badge tone={statusTone[f.status]}>{f.status.replace('_', ' ')}</Badge>
                  {f.binary ? (
                    <span className="text-xs text-stone-500">binary</span>
                  ) : (
                    <span className="font-mono text-xs">
                      <span className="text-green-700">+{f.additions}</span> <span className="text-red-700">−{f.deletions}</span>
                    </span>
                  )}
                </span>
              </li>
            ))}
          </ul>
          {diff.data.truncated && (
            <p className="mb-2 text-xs text-amber-800">The diff is too large to show in full; it is cut after the files shown.</p>
          )}
          <Button
            variant="ghost"
            icon={showPatch ? ChevronDown : ChevronRight}
            className="mb-2"
            onClick={() => setShowPatch((s) => !s)}
            aria-expanded={showPatch}
          >
            {showPatch ? 'Hide the patch' : 'Show the patch'}
          </Button>
          {showPatch && (
            <Suspense fallback={<LoadingState label="Loading the diff view…" />}>
              <DiffView patch={diff.data.patch} />
            </Suspense>
          )}
        </>
      )}
    </section>
  );
}
