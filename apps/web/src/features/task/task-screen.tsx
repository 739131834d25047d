// Task detail (/projects/:projectId/tasks/:taskId, docs/behaviour/web-app.md#task-page): the task's
// header (status, workspace, PR link), the pipeline with what comes next, the pull
// request's CI rounds, mergeability and review threads once it has one, the task
// document, the branch diff, run history and conversations — all kept live by
// the task's event subscription. A missing or foreign task goes back to the
// board; a missing project goes back to the dashboard.
import { useEffect } from 'react';
import { ExternalLink, GitPullRequest } from 'lucide-react';
import { Link, useNavigate } from 'react-router';
import type { ProjectDto, TaskDto, TaskStatus } from '@bottega/protocol';
import { isApiError } from '../../lib/api';
import { useTaskSubscriptions } from '../../lib/live';
import { paths, useIdParam, useRedirectWhenMissing } from '../../lib/routing';
import { Badge, ErrorState, LoadingState, PageHeader } from '../../ui';
import { AgentSection } from './agent-section';
import { DiffPanel } from './diff-panel';
import { InputFilesPanel } from './input-files-panel';
import { NewChat } from './new-chat';
import { hasPullRequestStage, PullRequestPanel } from './pr-panel';
import { TaskDocumentSection } from './task-document';
import { ConversationList, RunHistory } from './task-history';
import { UsagePanel } from './usage-panel';
import { useProject, useTaskQuery, useTaskRuns } from './task-data';

const statusLabel: Record<TaskStatus, string> = {
  pending: 'Pending',
  in_progress: 'In progress',
  in_review: 'In review',
  completed: 'Completed',
};
const statusTone: Record<TaskStatus, 'stone' | 'sky' | 'indigo' | 'green'> = {
  pending: 'stone',
  in_progress: 'sky',
  in_review: 'indigo',
  completed: 'green',
};

export function Component() {
  const projectId = useIdParam('projectId');
  const taskId = useIdParam('taskId');
  const project = useProject(projectId);
  const task = useTaskQuery(projectId !== null ? taskId : null);
  const navigate = useNavigate();
  useRedirectWhenMissing(projectId, project.error, paths.dashboard());

  const projectOk = projectId !== null && !project.isError;
  const taskGone =
    taskId === null ||
    isApiError(task.error, 'NOT_FOUND') ||
    isApiError(task.error, 'FORBIDDEN') ||
    (task.data !== undefined && task.data.projectId !== projectId);
  useEffect(() => {
    if (projectOk && projectId !== null && taskGone)
      void navigate(paths.board(projectId), {
        replace: true,
        state: { notice: 'That task no longer exists or is not part of this project.' },
      });
  }, [projectOk, taskGone, projectId, navigate]);

  if (projectId === null || taskId === null) return null;
  if (project.isPending || task.isPending) return <LoadingState label="Loading task…" />;
  if (project.isError) return <ErrorState error={project.error} retry={() => void project.refetch()} />;
  if (task.isError) return <ErrorState error={task.error} retry={() => void task.refetch()} />;
  if (task.data.projectId !== projectId) return null;
  return <TaskDetail project={project.data} task={task.data} />;
}

function TaskDetail({ project, task }: { project: ProjectDto; task: TaskDto }) {
  useTaskSubscriptions([task.id]);
  const runs = useTaskRuns(task.id);
  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-4 p-3 sm:p-6">
      <PageHeader
        crumbs={
          <Link to={paths.board(project.id)} className="hover:underline">
            ← {project.name}
          </Link>
        }
        title={<span title={task.title}>{task.title}</span>}
      >
        {task.prUrl && (
          <a
            href={task.prUrl}
            target="_blank"
            rel="noreferrer noopener"
            className="inline-flex items-center gap-1.5 rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-indigo-700 hover:bg-stone-100"
          >
            <GitPullRequest aria-hidden="true" className="h-4 w-4" />
            Pull request
            <ExternalLink aria-hidden="true" className="h-3.5 w-3.5 opacity-70" />
          </a>
        )}
      </PageHeader>
      <TaskFacts task={task} />
      {runs.isPending ? (
        <LoadingState label="Loading agent runs…" />
      ) : runs.isError ? (
        <ErrorState error={runs.error} retry={() => void runs.refetch()} />
      ) : (
        <AgentSection task={task} runs={runs.data} />
      )}
      {hasPullRequestStage(task) && <PullRequestPanel task={task} />}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <div className="min-w-0">
          <TaskDocumentSection task={task} />
        </div>
        <div className="flex min-w-0 flex-col gap-4">
          {runs.data && <RunHistory task={task} runs={runs.data} />}
          <InputFilesPanel taskId={task.id} />
          <UsagePanel taskId={task.id} />
          <ConversationList task={task} newChat={<NewChat task={task} />} />
        </div>
      </div>
      <DiffPanel task={task} />
    </div>
  );
}

function TaskFacts({ task }: { task: TaskDto }) {
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2 text-sm" aria-label="Task status">
        <Badge tone={statusTone[task.status]}>{statusLabel[task.status]}</Badge>
        {task.yoloMode && <Badge tone="amber">YOLO</Badge>}
        {task.workflowBlocked && <Badge tone="red">Blocked</Badge>}
        {task.prClosed && <Badge tone="red">PR closed without merging</Badge>}
        {task.branchName && <span className="truncate font-mono text-xs text-stone-500">{task.branchName}</span>}
      </div>
      {task.workspaceStatus === 'preparing' && (
        <p role="status" className="rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900">
          The worktree is being checked out…
        </p>
      )}
      {task.workspaceStatus === 'failed' && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
          <p className="font-medium">The worktree could not be prepared.</p>
          {task.workspaceError && <p className="mt-1 whitespace-pre-wrap">{task.workspaceError}</p>}
        </div>
      )}
    </div>
  );
}
