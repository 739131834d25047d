// A project's "Column limits" (docs/behaviour/web-app.md#project-settings): how many tasks the
// board's Pending, In Progress and In Review columns may hold. A person cannot move a task into a
// full column (nor create one into a full Pending column); the agents' own moves still go through.
// Owners and administrators change them; other members read them.
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { limitedColumns, taskColumnLabels, WIP_LIMIT_MAX, type LimitedColumn, type ProjectDto, type WipLimitsDto } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Button, ErrorState, InlineError, LoadingState } from '../../ui';

/** The project's column limits, shared by the board's headers and the settings form. */
export function useWipLimits(projectId: number) {
  return useQuery({
    queryKey: keys.wipLimits(projectId),
    queryFn: async ({ signal }) => (await api.get('/api/projects/:projectId/wip-limits', { params: { projectId }, signal })).wipLimits,
  });
}

/** A limit box's problem, or null when it is empty (no limit) or a whole number in range. */
export function limitProblem(text: string): string | null {
  const t = text.trim();
  if (t === '') return null;
  if (!/^\d+$/.test(t)) return 'Enter a whole number, or leave it empty.';
  const n = Number(t);
  if (n < 1 || n > WIP_LIMIT_MAX) return `Between 1 and ${WIP_LIMIT_MAX}, or empty for no limit.`;
  return null;
}

const limitOf = (text: string): number | null => (text.trim() === '' ? null : Number(text.trim()));

export function ColumnLimitsSection({ project }: { project: ProjectDto }) {
  const limits = useWipLimits(project.id);
  return (
    <section aria-labelledby="column-limits-heading" className="flex flex-col gap-3" data-testid="column-limits">
      <div>
        <h3 id="column-limits-heading" className="text-base font-semibold">
          Column limits
        </h3>
        <p className="text-xs text-stone-500">
          How many tasks a board column may hold. A full column takes no task moved in by hand (nor a new task, for Pending) until one
          leaves it; agents still move tasks along when they start or finish.
        </p>
      </div>
      {limits.isPending ? (
        <LoadingState label="Loading column limits…" />
      ) : limits.isError ? (
        <ErrorState error={limits.error} retry={() => void limits.refetch()} />
      ) : (
        <ColumnLimitsForm projectId={project.id} limits={limits.data} canEdit={project.canManage} />
      )}
    </section>
  );
}

export function ColumnLimitsForm({ projectId, limits, canEdit }: { projectId: number; limits: WipLimitsDto; canEdit: boolean }) {
  const qc = useQueryClient();
  const baseId = useId();
  const [texts, setTexts] = useState<Record<LimitedColumn, string>>({
    pending: limits.pending === null ? '' : String(limits.pending),
    in_progress: limits.in_progress === null ? '' : String(limits.in_progress),
    in_review: limits.in_review === null ? '' : String(limits.in_review),
  });
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: WipLimitsDto) => api.put('/api/projects/:projectId/wip-limits', { params: { projectId }, body }),
    onSuccess: (res) => {
      setSaved(true);
      qc.setQueryData(keys.wipLimits(projectId), res.wipLimits);
    },
  });
  const problems = limitedColumns.map((c) => limitProblem(texts[c]));
  const invalid = problems.some((p) => p !== null);
  const next: WipLimitsDto = {
    pending: limitOf(texts.pending),
    in_progress: limitOf(texts.in_progress),
    in_review: limitOf(texts.in_review),
  };
  const changed = limitedColumns.some((c) => next[c] !== limits[c]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!canEdit || invalid || !changed) return;
    save.mutate(next);
  };

  return (
    <form className="flex flex-col gap-3 text-sm" onSubmit={submit} aria-label="Column limits">
      {!canEdit && (
        <p className="rounded-md bg-stone-100 px-3 py-2 text-xs text-stone-700">
          Only the project’s owners and administrators change these.
        </p>
      )}
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        {limitedColumns.map((column, i) => {
          const id = `${baseId}-${column}`;
          const problem = problems[i] ?? null;
          return (
            <div key={column} className="flex flex-col gap-1">
              <label htmlFor={id} className="text-stone-700">
                {taskColumnLabels[column]}
              </label>
              <input
                id={id}
                type="number"
                inputMode="numeric"
                min={1}
                max={WIP_LIMIT_MAX}
                step={1}
                placeholder="No limit"
                value={texts[column]}
                disabled={!canEdit}
                onChange={(e) => {
                  setTexts((t) => ({ ...t, [column]: e.target.value }));
                  setSaved(false);
                  save.reset();
                }}
                aria-invalid={problem ? true : undefined}
                aria-describedby={`${id}-hint`}
                className={`w-full rounded-md border px-2.5 py-1.5 text-sm outline-none focus:ring-2 focus:ring-indigo-400 disabled:bg-stone-100 disabled:text-stone-500 sm:w-28 ${problem ? 'border-red-500' : 'border-stone-300'}`}
              />
              <p id={`${id}-hint`} className={`text-xs ${problem ? 'text-red-600' : 'text-stone-500'}`}>
                {problem ?? (next[column] === null ? 'No limit.' : `At most ${next[column]} ${next[column] === 1 ? 'task' : 'tasks'}.`)}
              </p>
            </div>
          );
        })}
      </div>
      <p className="text-xs text-stone-500">Completed has no limit.</p>
      {canEdit && (
        <>
          <InlineError error={save.error} />
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" variant="primary" busy={save.isPending} disabled={!changed || invalid}>
              Save column limits
            </Button>
            {saved && (
              <span role="status" className="text-green-700">
                Saved.
              </span>
            )}
          </div>
        </>
      )}
    </form>
  );
}
