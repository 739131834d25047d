// Run history and the task's conversations (agent runs and manual chats),
// each linking to its chat screen.
import { ExternalLink } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { AgentRunDto, ConversationDto, RunStatus, TaskDto } from '@bottega/protocol';
import { paths } from '../../lib/routing';
import { Badge, EmptyState, ErrorState, LiveDot, LoadingState } from '../../ui';
import { ROLE_LABELS } from './agent-state';
import { newestFirst, useTaskConversations } from './task-data';
import { usageDetail, usageSummary } from './usage-format';

const runTone: Record<RunStatus, 'stone' | 'sky' | 'green' | 'red' | 'amber'> = {
  pending: 'sky',
  queued: 'stone',
  running: 'sky',
  waiting_for_quota: 'amber',
  completed: 'green',
  failed: 'red',
  blocked: 'amber',
  interrupted: 'amber',
};

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function RunHistory({ task, runs }: { task: TaskDto; runs: readonly AgentRunDto[] }) {
  return (
    <section aria-labelledby="runs-heading" className="rounded-lg border border-stone-200 bg-white p-4">
      <h2 id="runs-heading" className="mb-3 text-lg font-semibold">
        Run history
      </h2>
      {runs.length === 0 ? (
        <EmptyState title="No agent has run yet" />
      ) : (
        <ol className="divide-y divide-stone-100" aria-label="Agent runs">
          {newestFirst(runs).map((run) => (
            <li key={run.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm" data-testid={`run-${run.id}`}>
              <div className="min-w-0">
                <p className="font-medium">
                  {ROLE_LABELS[run.agentType]} <span className="font-normal text-stone-500">#{run.id}</span>
                </p>
                <p className="text-xs text-stone-500">
                  {when(run.startedAt ?? run.createdAt)} · {run.trigger === 'webhook' ? 'GitHub comment' : run.trigger}
                  {run.model ? ` · ${run.model}` : ''}
                </p>
                <p className="text-xs text-stone-600 tabular-nums" data-testid={`run-${run.id}-usage`} title={usageDetail(run.usage)}>
                  {usageSummary(run.usage)}
                </p>
                {run.triggerUrl && (
                  <a
                    className="text-xs text-indigo-700 underline"
                    href={run.triggerUrl}
                    target="_blank"
                    rel="noreferrer noopener"
                    aria-label={`GitHub comment that started run #${run.id}`}
                  >
                    Started by a GitHub comment
                    <ExternalLink aria-hidden="true" className="ml-0.5 inline h-3 w-3 align-[-1px]" />
                  </a>
                )}
                {run.failureReason && <p className="text-xs text-red-700">{run.failureReason}</p>}
              </div>
              <div className="flex items-center gap-2">
                {run.status === 'running' && <LiveDot label="Running" />}
                <Badge tone={runTone[run.status]}>{run.status === 'waiting_for_quota' ? 'waiting for quota' : run.status}</Badge>
                {run.conversationId !== null && (
                  <Link
                    className="text-indigo-700 underline"
                    to={paths.chat(task.projectId, task.id, run.conversationId)}
                    aria-label={`Conversation of ${ROLE_LABELS[run.agentType].toLowerCase()} run #${run.id}`}
                  >
                    Conversation
                  </Link>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function conversationTitle(c: ConversationDto): string {
  return c.title ?? (c.kind === 'chat' ? 'Chat' : 'Agent run');
}

/** `newChat`: the action that starts a manual chat, shown under the heading. */
export function ConversationList({ task, newChat }: { task: TaskDto; newChat?: ReactNode }) {
  const list = useTaskConversations(task.id);
  return (
    <section aria-labelledby="conversations-heading" className="rounded-lg border border-stone-200 bg-white p-4">
      <h2 id="conversations-heading" className="mb-3 text-lg font-semibold">
        Conversations
      </h2>
      {newChat && <div className="mb-3">{newChat}</div>}
      {list.isPending ? (
        <LoadingState label="Loading conversations…" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState title="No conversations yet">Agent runs and chats about this task appear here.</EmptyState>
      ) : (
        <ul className="divide-y divide-stone-100" aria-label="Conversations">
          {newestFirst(list.data).map((c) => (
            <li key={c.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
              <Link className="min-w-0 truncate text-indigo-700 underline" to={paths.chat(task.projectId, task.id, c.id)}>
                {conversationTitle(c)}
              </Link>
              <span className="flex items-center gap-2 text-xs text-stone-500">
                <Badge tone={c.kind === 'chat' ? 'indigo' : 'stone'}>{c.kind === 'chat' ? 'chat' : 'agent run'}</Badge>
                {c.model && <span>{c.model}</span>}
                <span>{when(c.updatedAt)}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
