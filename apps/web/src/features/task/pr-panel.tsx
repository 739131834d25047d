// The task page's "Pull request" panel (docs/behaviour/web-app.md#pull-request-panel): what
// happened to the pull request after the human stopped watching — each CI round with its failing
// checks and log excerpt, whether it can be merged (or which files conflict), and the review
// threads with the agent's last answer on each. Read from GET /api/tasks/:taskId/pull-request,
// read again whenever the task changes (the server records the stage before it updates the task).
import { useId, useState, type ReactNode } from 'react';
import {
  ChevronDown,
  ChevronRight,
  CircleCheck,
  CircleX,
  ExternalLink,
  GitMerge,
  LoaderCircle,
  MessageSquare,
  TriangleAlert,
  type LucideIcon,
} from 'lucide-react';
import { useQuery } from '@tanstack/react-query';
import type { PrCiRoundDto, PrReviewThreadDto, PullRequestStageDto, TaskDto } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { onServerEvent } from '../../lib/live';
import { Badge, ErrorState, LoadingState } from '../../ui';
import { ago } from '../../lib/ago';

onServerEvent((qc, event) => {
  if (event.type === 'task.updated' || event.type === 'task.blocked') {
    void qc.invalidateQueries({ queryKey: keys.taskPullRequest(event.taskId) });
  }
});

/** Whether the task has reached the pull-request stage: a PR, or anything recorded of one. */
export function hasPullRequestStage(task: TaskDto): boolean {
  return task.prUrl !== null || task.prCiRounds > 0 || task.prThreadsTotal > 0 || task.prMergeable !== null;
}

export function usePullRequestStage(taskId: number) {
  return useQuery({
    queryKey: keys.taskPullRequest(taskId),
    queryFn: async ({ signal }) => (await api.get('/api/tasks/:taskId/pull-request', { params: { taskId }, signal })).pullRequest,
  });
}

export function PullRequestPanel({ task }: { task: TaskDto }) {
  const stage = usePullRequestStage(task.id);
  return (
    <section aria-labelledby="pr-panel-heading" className="rounded-lg border border-stone-200 bg-white p-4" data-testid="pr-panel">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id="pr-panel-heading" className="text-lg font-semibold">
          Pull request
        </h2>
        {task.prUrl && <GitHubLink href={task.prUrl}>Open on GitHub</GitHubLink>}
      </div>
      {stage.isPending ? (
        <LoadingState label="Reading the pull request…" />
      ) : stage.isError ? (
        <ErrorState error={stage.error} retry={() => void stage.refetch()} />
      ) : (
        <PullRequestStage stage={stage.data} />
      )}
    </section>
  );
}

export function PullRequestStage({ stage, now = Date.now() }: { stage: PullRequestStageDto; now?: number }) {
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <div className="flex min-w-0 flex-col gap-4">
        <CiRounds rounds={stage.ciRounds} max={stage.settings.effectiveMaxCiRounds} now={now} />
        <Mergeability stage={stage} />
      </div>
      <div className="min-w-0">
        <ReviewThreads threads={stage.threads} />
      </div>
    </div>
  );
}

function SubHeading({ id, children, aside }: { id: string; children: string; aside?: string }) {
  return (
    <h3 id={id} className="mb-2 flex flex-wrap items-baseline justify-between gap-x-2 text-sm font-semibold text-stone-800">
      {children}
      {aside && <span className="text-xs font-normal text-stone-500">{aside}</span>}
    </h3>
  );
}

function GitHubLink({ href, children, small = false }: { href: string; children: string; small?: boolean }) {
  return (
    <a
      href={href}
      target="_blank"
      rel="noreferrer noopener"
      className={
        small
          ? 'inline-flex items-center gap-1 text-xs font-medium text-indigo-700 hover:underline'
          : 'inline-flex items-center gap-1.5 rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-indigo-700 hover:bg-stone-100'
      }
    >
      {children}
      <ExternalLink aria-hidden="true" className={small ? 'h-3 w-3' : 'h-3.5 w-3.5 opacity-70'} />
    </a>
  );
}

function Quiet({ children }: { children: ReactNode }) {
  return (
    <p className="rounded-md border border-dashed border-stone-300 px-3 py-2 text-sm text-stone-600" data-state="empty">
      {children}
    </p>
  );
}

const ROUND_LOOK: Record<PrCiRoundDto['state'], { word: string; icon: LucideIcon; className: string }> = {
  pending: { word: 'running', icon: LoaderCircle, className: 'animate-spin text-amber-600' },
  failure: { word: 'failed', icon: CircleX, className: 'text-red-600' },
  success: { word: 'passed', icon: CircleCheck, className: 'text-green-600' },
};

function CiRounds({ rounds, max, now }: { rounds: readonly PrCiRoundDto[]; max: number; now: number }) {
  const id = useId();
  const used = rounds.length;
  return (
    <section aria-labelledby={id}>
      <SubHeading id={id} aside={used > 0 ? `${used} of ${max} ${max === 1 ? 'round' : 'rounds'}` : `at most ${max}`}>
        CI rounds
      </SubHeading>
      {used === 0 ? (
        <Quiet>
          No CI rounds yet. Each push to the pull request's branch starts one; its checks appear here as GitHub reports them. After{' '}
          {String(max)} failing {max === 1 ? 'round' : 'rounds'} the task stops for you.
        </Quiet>
      ) : (
        <ol className="flex flex-col gap-1.5" aria-label="CI rounds">
          {rounds.map((r) => (
            <CiRoundRow key={r.round} round={r} now={now} />
          ))}
        </ol>
      )}
    </section>
  );
}

function CiRoundRow({ round, now }: { round: PrCiRoundDto; now: number }) {
  const look = ROUND_LOOK[round.state];
  const Icon = look.icon;
  const [open, setOpen] = useState(false);
  const logId = useId();
  return (
    <li className="rounded-md border border-stone-200 px-3 py-2 text-sm" data-round-state={round.state}>
      <p className="flex flex-wrap items-center gap-x-1.5 gap-y-0.5">
        <Icon aria-hidden="true" className={`h-4 w-4 shrink-0 ${look.className}`} />
        <span className="font-medium">Round {round.round}</span>
        <span aria-hidden="true">·</span>
        <span className={round.state === 'failure' ? 'font-medium text-red-700' : ''}>{look.word}</span>
        {round.failingChecks.length > 0 && (
          <>
            <span aria-hidden="true">·</span>
            <span className="flex flex-wrap gap-1">
              {round.failingChecks.map((c) => (
                <code key={c} className="rounded bg-red-50 px-1 text-xs text-red-800">
                  {c}
                </code>
              ))}
            </span>
          </>
        )}
        <span aria-hidden="true">·</span>
        <time className="text-stone-500" dateTime={round.updatedAt} title={new Date(round.updatedAt).toLocaleString()}>
          {ago(round.updatedAt, now)}
        </time>
        <code className="ml-auto text-xs text-stone-500" title={`Head commit ${round.headSha}`}>
          {round.headSha.slice(0, 7)}
        </code>
      </p>
      {(round.logExcerpt !== null || (round.state === 'failure' && round.detailsUrl)) && (
        <div className="mt-1.5 flex flex-wrap items-center gap-2">
          {round.logExcerpt !== null && (
            <button
              type="button"
              aria-expanded={open}
              aria-controls={logId}
              onClick={() => setOpen((o) => !o)}
              className="-ml-1 inline-flex items-center gap-1 rounded px-1 py-0.5 text-xs font-medium text-stone-700 hover:bg-stone-100"
            >
              {open ? (
                <ChevronDown aria-hidden="true" className="h-3.5 w-3.5" />
              ) : (
                <ChevronRight aria-hidden="true" className="h-3.5 w-3.5" />
              )}
              Log excerpt of round {round.round}
            </button>
          )}
          {round.detailsUrl && (
            <GitHubLink href={round.detailsUrl} small>
              {round.state === 'failure' ? 'The failing check on GitHub' : 'Checks on GitHub'}
            </GitHubLink>
          )}
        </div>
      )}
      {open && round.logExcerpt !== null && <LogBlock id={logId} label={`Log excerpt of round ${round.round}`} text={round.logExcerpt} />}
    </li>
  );
}

/** A log or file list: monospace, kept to a height, scrolling both ways. */
export function LogBlock({ id, label, text }: { id?: string; label: string; text: string }) {
  return (
    <pre
      id={id}
      tabIndex={0}
      role="region"
      aria-label={label}
      className="mt-1.5 max-h-64 overflow-auto rounded-md border border-[var(--code-border)] bg-[var(--code-bg)] p-2.5 font-mono text-xs leading-relaxed whitespace-pre text-[var(--code-fg)]"
    >
      {text}
    </pre>
  );
}

function Mergeability({ stage }: { stage: PullRequestStageDto }) {
  const id = useId();
  const body = (() => {
    switch (stage.mergeable) {
      case 'MERGEABLE':
        return (
          <p className="flex items-center gap-1.5 text-sm text-green-800">
            <GitMerge aria-hidden="true" className="h-4 w-4 shrink-0 text-green-600" />
            Mergeable: no conflicts with the default branch.
          </p>
        );
      case 'CONFLICTING':
        return (
          <div className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
            <p className="flex items-center gap-1.5 font-medium">
              <TriangleAlert aria-hidden="true" className="h-4 w-4 shrink-0 text-red-600" />
              {stage.conflictFiles.length > 0 ? 'Conflicts with the default branch in:' : 'Conflicts with the default branch.'}
            </p>
            {stage.conflictFiles.length > 0 && (
              <ul className="mt-1 flex flex-col gap-0.5" aria-label="Conflicting files">
                {stage.conflictFiles.map((f) => (
                  <li key={f} className="font-mono text-xs break-all">
                    {f}
                  </li>
                ))}
              </ul>
            )}
            <p className="mt-1 text-xs">The pull request agent brings the branch up to date with the project's update strategy.</p>
          </div>
        );
      case 'UNKNOWN':
        return (
          <p className="flex items-center gap-1.5 text-sm text-stone-700">
            <LoaderCircle aria-hidden="true" className="h-4 w-4 shrink-0 animate-spin text-stone-500" />
            GitHub is still checking whether it can be merged.
          </p>
        );
      case null:
        return <Quiet>Not read yet: Bottega asks GitHub whether the pull request can be merged each time it reads its checks.</Quiet>;
    }
  })();
  return (
    <section aria-labelledby={id}>
      <SubHeading id={id}>Mergeability</SubHeading>
      {body}
    </section>
  );
}

function ReviewThreads({ threads }: { threads: readonly PrReviewThreadDto[] }) {
  const id = useId();
  const resolved = threads.filter((t) => t.resolved).length;
  return (
    <section aria-labelledby={id}>
      <SubHeading id={id} aside={threads.length > 0 ? `${resolved} of ${threads.length} threads resolved` : undefined}>
        Review threads
      </SubHeading>
      {threads.length === 0 ? (
        <Quiet>
          No review threads. Inline comments of a review on GitHub appear here; a review that requests changes sends the pull request agent
          to answer and resolve them.
        </Quiet>
      ) : (
        <ul className="flex flex-col gap-2" aria-label="Review threads">
          {threads.map((t) => (
            <ThreadRow key={t.id} thread={t} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ThreadRow({ thread }: { thread: PrReviewThreadDto }) {
  const where = thread.line !== null ? `${thread.path}:${thread.line}` : thread.path;
  return (
    <li
      aria-label={`${where}, ${thread.resolved ? 'resolved' : 'open'}`}
      className={`rounded-md border px-3 py-2 text-sm ${thread.resolved ? 'border-stone-200' : 'border-amber-300'}`}
    >
      <p className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
        <code className="min-w-0 text-xs break-all text-stone-800">{where}</code>
        <Badge tone={thread.resolved ? 'green' : 'amber'}>{thread.resolved ? 'Resolved' : 'Open'}</Badge>
        <span className="ml-auto">
          <GitHubLink href={thread.url} small>
            On GitHub
          </GitHubLink>
        </span>
      </p>
      <p className="mt-1 text-xs text-stone-500">{thread.author} wrote:</p>
      <p className="line-clamp-3 whitespace-pre-wrap text-stone-800" title={thread.body}>
        {thread.body}
      </p>
      <p className="mt-1 flex items-center gap-1 text-xs text-stone-500">
        <MessageSquare aria-hidden="true" className="h-3 w-3" />
        {thread.replyCount === 0 ? 'No replies yet' : `${thread.replyCount} ${thread.replyCount === 1 ? 'reply' : 'replies'}`}
      </p>
      {thread.lastReplyBody !== null && (
        <blockquote className="mt-1 border-l-2 border-stone-300 pl-2 text-stone-700">
          <p className="text-xs text-stone-500">Last reply by {thread.lastReplyAuthor ?? 'someone'}:</p>
          <p className="line-clamp-3 whitespace-pre-wrap" title={thread.lastReplyBody}>
            {thread.lastReplyBody}
          </p>
        </blockquote>
      )}
    </li>
  );
}
