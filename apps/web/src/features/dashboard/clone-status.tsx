// A project cloned by URL on its dashboard card: git's phase and percent while
// it clones (live from `project.clone` events), and on failure the server's
// explanation with Retry and Delete for those who may. When the clone is done
// the project list is refetched and the card becomes an ordinary project.
import { RotateCcw, Trash2 } from 'lucide-react';
import type { QueryClient } from '@tanstack/react-query';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ProjectCloneDto, ProjectDto } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { onServerEvent, onSubscribed } from '../../lib/live';
import { Button, InlineError } from '../../ui';
import { useDeleteProject } from './project-dialogs';

/** Applies a clone event to the cached project list and the project itself. */
export function applyCloneEvent(qc: QueryClient, projectId: number, clone: ProjectCloneDto | null): void {
  const patch = (p: ProjectDto) => (p.id === projectId ? { ...p, clone } : p);
  qc.setQueryData<ProjectDto[]>(keys.projects, (list) => list?.map(patch));
  qc.setQueryData<ProjectDto>(keys.project(projectId), (p) => (p ? patch(p) : p));
  // Ended: the list is re-read. Finished, the checkout is there now (isGitRepo
  // and friends change); failed, a list read started before the failure may
  // still be on its way and would put the card back to "cloning" — the
  // refetch replaces it.
  if (clone === null || clone.status === 'failed') {
    void qc.invalidateQueries({ queryKey: keys.projects, exact: true });
    void qc.invalidateQueries({ queryKey: keys.project(projectId) });
  }
}

onServerEvent((qc, event) => {
  if (event.type === 'project.clone') applyCloneEvent(qc, event.projectId, event.clone);
});

// A clone that fails fast (an unknown repository) may end between the list
// read and the card's subscription; once subscribed, a card still shown as
// cloning re-reads the list so no outcome is missed.
onSubscribed((qc, channel) => {
  if (channel.projectId === undefined) return;
  const shown = qc.getQueryData<ProjectDto[]>(keys.projects)?.find((p) => p.id === channel.projectId);
  if (shown?.clone?.status === 'cloning') void qc.invalidateQueries({ queryKey: keys.projects, exact: true });
});

export function CloneStatus({ project, clone }: { project: ProjectDto; clone: ProjectCloneDto }) {
  if (clone.status === 'cloning') {
    const percent = clone.percent;
    return (
      <div className="mt-3 flex flex-col gap-1.5" data-clone="cloning">
        <p className="flex items-baseline justify-between gap-2 text-sm text-sky-800">
          <span className="truncate">Cloning… {clone.phase ?? 'connecting'}</span>
          {percent !== null && <span className="shrink-0 tabular-nums">{percent}%</span>}
        </p>
        <div
          role="progressbar"
          aria-label={`Cloning ${project.name}`}
          aria-valuemin={0}
          aria-valuemax={100}
          {...(percent === null ? {} : { 'aria-valuenow': percent })}
          className="h-1.5 overflow-hidden rounded-full bg-sky-100"
        >
          <div
            className={`h-full rounded-full bg-sky-600 transition-[width] ${percent === null ? 'w-1/4 animate-pulse' : ''}`}
            style={percent === null ? undefined : { width: `${percent}%` }}
          />
        </div>
      </div>
    );
  }
  return <CloneFailed project={project} error={clone.error} />;
}

function CloneFailed({ project, error }: { project: ProjectDto; error: string | null }) {
  const qc = useQueryClient();
  const retry = useMutation({
    mutationFn: () => api.post('/api/projects/:projectId/clone', { params: { projectId: project.id } }),
    onSuccess: ({ project: saved }) => applyCloneEvent(qc, saved.id, saved.clone),
  });
  const remove = useDeleteProject(project.id);
  return (
    <div className="relative z-10 mt-3 flex flex-col gap-2 rounded-md bg-red-50 p-2.5" data-clone="failed">
      <p className="text-sm text-red-800" role="alert">
        <span className="font-medium">The clone failed:</span> {error ?? 'unknown reason'}
      </p>
      {project.cloneUrl && (
        <p className="truncate text-xs text-red-700/80" title={project.cloneUrl}>
          {project.cloneUrl}
        </p>
      )}
      {project.canManage ? (
        <div className="flex flex-wrap gap-2">
          <Button className="px-2.5 py-1 text-xs" icon={RotateCcw} busy={retry.isPending} onClick={() => retry.mutate()}>
            Retry clone
          </Button>
          <Button
            variant="ghost"
            className="px-2.5 py-1 text-xs text-red-700"
            icon={Trash2}
            busy={remove.isPending}
            onClick={() => remove.mutate()}
          >
            Delete project
          </Button>
        </div>
      ) : (
        <p className="text-xs text-red-700">Its owner can retry or delete it.</p>
      )}
      <InlineError error={retry.error ?? remove.error} />
    </div>
  );
}
