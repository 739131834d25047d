// The agent section (docs/behaviour/web-app.md#pipeline): the pipeline strip, the one primary
// action or end-state banner of what comes next (both from `taskProgress`,
// packages/protocol), and one level down a "Run an agent" disclosure with one
// Run button per role; the "busy" notice when the server says an agent is
// already running (409) and the connect-provider modal when the user has no
// provider (403). A run that waits (queued for a run slot, or for its usage limit) shows its place
// and a Cancel (docs/behaviour/web-app.md#waiting-runs).
import { useState } from 'react';
import { Check, CircleX, Clock, Hourglass, LoaderCircle, Play, Plug, X, type LucideIcon } from 'lucide-react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { iterationLabel, taskProgress, type AgentRunDto, type AgentType, type TaskDto } from '@bottega/protocol';
import { api, isApiError } from '../../lib/api';
import { keys } from '../../lib/keys';
import { upsertById, useProjectSubscriptions } from '../../lib/live';
import { useMaxIterations } from '../../lib/task-read';
import { paths } from '../../lib/routing';
import { Button, IconButton, InlineError, Modal } from '../../ui';
import { agentState, latestRun, rolesFor, STATE_LABELS, type AgentButtonState } from './agent-state';
import { NextStep } from './next-step';
import { useTaskConversations } from './task-data';
import { PipelineStrip } from './pipeline-strip';

const stateStyle: Record<AgentButtonState, { variant: 'primary' | 'secondary' | 'danger'; icon: LucideIcon }> = {
  idle: { variant: 'primary', icon: Play },
  queued: { variant: 'secondary', icon: Clock },
  waiting: { variant: 'secondary', icon: Hourglass },
  running: { variant: 'secondary', icon: LoaderCircle },
  completed: { variant: 'secondary', icon: Check },
  failed: { variant: 'danger', icon: CircleX },
};

type Outcome = { kind: 'busy' } | { kind: 'provider' } | { kind: 'error'; error: unknown } | null;

function useRunActions(task: TaskDto) {
  const qc = useQueryClient();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const onStarted = (run: AgentRunDto) => {
    setOutcome(null);
    qc.setQueryData<AgentRunDto[]>(keys.taskRuns(task.id), (runs) => upsertById(runs, run));
    void qc.invalidateQueries({ queryKey: keys.task(task.id) });
  };
  const onError = (error: unknown) => {
    if (isApiError(error, 'RUN_IN_PROGRESS')) setOutcome({ kind: 'busy' });
    else if (isApiError(error, 'PROVIDER_CREDENTIALS_MISSING')) setOutcome({ kind: 'provider' });
    else setOutcome({ kind: 'error', error });
  };
  const start = useMutation({
    mutationFn: async ({ agentType, note }: { agentType: AgentType; note?: string }) =>
      (await api.post('/api/tasks/:taskId/agent-runs', { params: { taskId: task.id }, body: note ? { agentType, note } : { agentType } }))
        .run,
    onMutate: () => setOutcome(null),
    onSuccess: onStarted,
    onError,
  });
  const resume = useMutation({
    mutationFn: async (runId: number) => (await api.post('/api/agent-runs/:runId/resume', { params: { runId } })).run,
    onMutate: () => setOutcome(null),
    onSuccess: onStarted,
    onError,
  });
  // A queued or waiting run ends `failed` ("cancelled before it started"); the answer carries it.
  const cancel = useMutation({
    mutationFn: async (runId: number) => (await api.post('/api/agent-runs/:runId/cancel', { params: { runId } })).run,
    onMutate: () => setOutcome(null),
    onSuccess: onStarted,
    onError: (error) => setOutcome({ kind: 'error', error }),
  });
  return { start, resume, cancel, outcome, dismiss: () => setOutcome(null) };
}

export function AgentSection({ task, runs }: { task: TaskDto; runs: readonly AgentRunDto[] }) {
  const { start, resume, cancel, outcome, dismiss } = useRunActions(task);
  // Kept live by the question events (lib/live.ts); the conversation list below reads the same query.
  const conversations = useTaskConversations(task.id);
  const waiting = (conversations.data ?? []).filter((c) => c.questionWaiting).map((c) => c.id);
  const progress = taskProgress(task, runs, waiting);
  const maxIterations = useMaxIterations();
  const pendingType = start.isPending ? start.variables.agentType : null;
  const closed = task.status === 'completed';
  // A waiting run's place moves with the project's line (`runs.queue`, project channel).
  useProjectSubscriptions(progress.next.kind === 'waiting' ? [task.projectId] : []);

  return (
    <section aria-labelledby="agents-heading" className="flex flex-col gap-3 rounded-lg border border-stone-200 bg-white p-4">
      <h2 id="agents-heading" className="text-lg font-semibold">
        Pipeline
      </h2>
      <PipelineStrip progress={progress} iteration={iterationLabel(task, maxIterations)} />
      <NextStep
        task={task}
        runs={runs}
        next={progress.next}
        actions={{
          start: (agentType, note) => start.mutate(note ? { agentType, note } : { agentType }),
          resume: (runId) => resume.mutate(runId),
          cancel: (runId) => cancel.mutate(runId),
          pending: resume.isPending ? 'resume' : cancel.isPending ? 'cancel' : pendingType,
        }}
      />
      <details className="group rounded-md border border-stone-200" data-testid="run-an-agent">
        <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-stone-700 select-none hover:bg-stone-50">
          Run an agent
        </summary>
        <div className="border-t border-stone-200 p-3">
          <p className="mb-2 text-xs text-stone-500">Start any role by hand, outside the usual order. A manual run lifts a block.</p>
          <ul className="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3">
            {rolesFor(task).map((role) => {
              const state = agentState(task, runs, role.agentType);
              const label = STATE_LABELS[state];
              const last = latestRun(runs, role.agentType);
              return (
                <li
                  key={role.agentType}
                  className="flex items-center justify-between gap-2 rounded-md border border-stone-200 px-3 py-2"
                  data-testid={`agent-${role.agentType}`}
                  data-state={state}
                >
                  <div className="min-w-0">
                    <p className="font-medium">{role.label}</p>
                    {last?.conversationId ? (
                      <Link className="text-xs text-indigo-700 underline" to={paths.chat(task.projectId, task.id, last.conversationId)}>
                        Latest conversation
                      </Link>
                    ) : (
                      <p className="text-xs text-stone-500">
                        {state === 'queued'
                          ? 'Waiting to start'
                          : state === 'waiting'
                            ? 'Waiting for quota'
                            : last
                              ? 'Starting…'
                              : 'Not run yet'}
                      </p>
                    )}
                  </div>
                  <Button
                    variant={stateStyle[state].variant}
                    icon={stateStyle[state].icon}
                    className={state === 'running' ? '[&>svg]:animate-spin' : ''}
                    aria-label={`${role.label}: ${label}`}
                    title={
                      state === 'running'
                        ? 'This agent is running'
                        : state === 'queued' || state === 'waiting'
                          ? 'This agent waits to go on; cancel it from “What next”'
                          : state === 'idle'
                            ? `Run the ${role.label.toLowerCase()} agent`
                            : `Run the ${role.label.toLowerCase()} agent again`
                    }
                    disabled={state === 'running' || state === 'queued' || state === 'waiting' || closed}
                    busy={pendingType === role.agentType}
                    onClick={() => start.mutate({ agentType: role.agentType })}
                  >
                    {label}
                  </Button>
                </li>
              );
            })}
          </ul>
        </div>
      </details>

      {outcome?.kind === 'busy' && (
        <div
          role="status"
          className="mt-3 flex items-start justify-between gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
          data-testid="busy-notice"
        >
          <p>
            {progress.next.kind === 'waiting'
              ? 'This task already has a run waiting to go on. Cancel it above before starting another.'
              : 'An agent is already running on this task. Wait for it to finish (or stop it from its conversation) before starting another.'}
          </p>
          <IconButton icon={X} label="Dismiss notice" onClick={dismiss} className="-my-1" />
        </div>
      )}
      {outcome?.kind === 'error' && (
        <div className="mt-3">
          <InlineError error={outcome.error} />
        </div>
      )}
      {outcome?.kind === 'provider' && (
        <Modal title="Connect a provider first" onClose={dismiss}>
          <p className="text-sm text-stone-700">
            Agents run on your own model provider account. Connect one (for example Claude) in Settings, then press Run again.
          </p>
          <div className="mt-4 flex justify-end gap-2">
            <Button onClick={dismiss}>Not now</Button>
            <Link
              to={paths.settings('providers')}
              className="inline-flex items-center gap-1.5 rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
            >
              <Plug aria-hidden="true" className="h-4 w-4" />
              Connect a provider
            </Link>
          </div>
        </Modal>
      )}
    </section>
  );
}
