// Dashboard `/`: the projects this user belongs to, each with its task counts
// per status and a live dot while an agent runs in it, or — for a project
// cloned by URL — the clone's progress or failure. Counts stay fresh from the
// projects' task events (a debounced refetch of the list).
import { useState } from 'react';
import { FolderPlus, Pencil } from 'lucide-react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useQueries, useQuery, type QueryClient } from '@tanstack/react-query';
import type { ProjectDto } from '@bottega/protocol';
import { isWaitingRunStatus, taskStatuses } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { onServerEvent, useProjectSubscriptions } from '../../lib/live';
import { paths } from '../../lib/routing';
import { Button, EmptyState, ErrorState, IconButton, LiveDot, LoadingState, PageHeader } from '../../ui';
import { activeRunsQuery } from '../board/board-cache';
import { columnLabels } from '../board/columns';
import { CloneStatus } from './clone-status';
import { CreateProjectDialog, EditProjectDialog } from './project-dialogs';
import { ProjectUsage } from './project-usage';

/** Task events come in bursts during runs; one list refetch per burst is enough. */
const COUNTS_REFRESH_MS = 400;
const pending = new WeakMap<QueryClient, ReturnType<typeof setTimeout>>();

onServerEvent((qc, event) => {
  if (event.type !== 'task.created' && event.type !== 'task.deleted' && event.type !== 'task.updated') return;
  if (pending.has(qc)) return;
  pending.set(
    qc,
    setTimeout(() => {
      pending.delete(qc);
      void qc.invalidateQueries({ queryKey: keys.projects, exact: true });
    }, COUNTS_REFRESH_MS),
  );
});

export function Component() {
  const navigate = useNavigate();
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  const projects = useQuery({
    queryKey: keys.projects,
    queryFn: async ({ signal }) => (await api.get('/api/projects', { signal })).projects,
  });
  const list = projects.data ?? [];
  useProjectSubscriptions(list.map((p) => p.id));
  const runs = useQueries({ queries: list.map((p) => activeRunsQuery(p.id)) });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<ProjectDto | null>(null);

  return (
    <div>
      <PageHeader title="Projects">
        <Button variant="primary" icon={FolderPlus} onClick={() => setCreating(true)}>
          New project
        </Button>
      </PageHeader>
      {notice && (
        <p role="status" className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {notice}
        </p>
      )}
      {projects.isPending ? (
        <LoadingState label="Loading projects…" />
      ) : projects.isError ? (
        <ErrorState error={projects.error} retry={() => void projects.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState title="No projects yet">
          <p>Create a project by cloning a repository, or ask an administrator to add you to one.</p>
          <Button variant="primary" icon={FolderPlus} className="mt-3" onClick={() => setCreating(true)}>
            New project
          </Button>
        </EmptyState>
      ) : (
        <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3" aria-label="Projects">
          {list.map((p, i) => (
            <li key={p.id}>
              <ProjectCard
                project={p}
                running={runs[i]?.data?.filter((r) => !isWaitingRunStatus(r.status)).length ?? 0}
                onEdit={() => setEditing(p)}
              />
            </li>
          ))}
        </ul>
      )}
      {creating && (
        <CreateProjectDialog
          onClose={() => setCreating(false)}
          // A clone is followed on its card; a registered checkout opens its board.
          onCreated={(p) => (p.clone ? setCreating(false) : void navigate(paths.board(p.id)))}
        />
      )}
      {editing && <EditProjectDialog project={editing} onClose={() => setEditing(null)} />}
    </div>
  );
}

const countTones: Record<(typeof taskStatuses)[number], string> = {
  pending: 'text-stone-700',
  in_progress: 'text-sky-700',
  in_review: 'text-amber-700',
  completed: 'text-green-700',
};

function ProjectCard({ project, running, onEdit }: { project: ProjectDto; running: number; onEdit: () => void }) {
  const clone = project.clone;
  return (
    <article
      aria-label={project.name}
      data-project-id={project.id}
      className="relative flex h-full flex-col rounded-xl border border-stone-200 bg-white p-4 shadow-sm hover:border-indigo-300"
    >
      <div className="flex items-start gap-2">
        <h2 className="min-w-0 flex-1 truncate text-base font-semibold">
          {clone ? (
            project.name
          ) : (
            <Link to={paths.board(project.id)} className="after:absolute after:inset-0 hover:underline">
              {project.name}
            </Link>
          )}
        </h2>
        {running > 0 && <LiveDot label={`${running} agent${running === 1 ? '' : 's'} working`} />}
        {!clone && <IconButton icon={Pencil} label={`Edit ${project.name}`} className="relative z-10 -my-1.5 -mr-1.5" onClick={onEdit} />}
      </div>
      <p className="mt-0.5 truncate text-xs text-stone-500" title={project.repoPath}>
        {project.repoPath}
        {project.subprojectPath ? ` › ${project.subprojectPath}` : ''}
      </p>
      {clone ? (
        <CloneStatus project={project} clone={clone} />
      ) : (
        <>
          {!project.isGitRepo && <p className="mt-1 text-xs text-red-700">The repository path is no longer a git checkout.</p>}
          <dl className="mt-3 grid grid-cols-4 gap-1 text-center">
            {taskStatuses.map((s) => (
              <div key={s} className="flex flex-col-reverse rounded-md bg-stone-50 px-1 py-1.5" data-status={s}>
                <dt className="text-[11px] leading-tight text-stone-500">{columnLabels[s]}</dt>
                <dd className={`text-lg font-semibold ${countTones[s]}`}>{project.taskCounts[s]}</dd>
              </div>
            ))}
          </dl>
          <ProjectUsage projectId={project.id} />
        </>
      )}
    </article>
  );
}
