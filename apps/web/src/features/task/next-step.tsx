// "What next" on the task page (docs/behaviour/web-app.md#next-step): the one primary action the
// task's progress calls for — a waiting run's place in line and Cancel, answer an agent's question, start planning, Approve plan / Revise plan,
// Unblock, Resume, Retry, run the PR agent again, Merge — or the banner of an
// end state saying what happened and what to do: blocked and why, the pull
// request opened (link, CI), the PR agent stopped without one and why,
// merged, closed without merging.
import { useState, type ReactNode } from 'react';
import {
  CircleAlert,
  CircleCheck,
  CircleDot,
  Clock,
  Copy,
  ExternalLink,
  GitPullRequest,
  Hourglass,
  GitPullRequestArrow,
  ListChecks,
  LoaderCircle,
  LockOpen,
  MessageCircleQuestionMark,
  MessageSquareText,
  PencilLine,
  Play,
  RotateCcw,
  Wrench,
  X,
  Zap,
  type LucideIcon,
} from 'lucide-react';
import { Link } from 'react-router';
import type { AgentRunDto, AgentType, NextAction, TaskDto } from '@bottega/protocol';
import { paths } from '../../lib/routing';
import { Badge, Button } from '../../ui';
import { latestRun, ROLE_LABELS } from './agent-state';
import { MergeButton } from './merge-button';
import { ciWords } from '../../lib/ci-state';
import { queueSentence } from '../../lib/queue-words';
import { LogBlock } from './pr-panel';

export interface NextStepActions {
  start: (agentType: AgentType, note?: string) => void;
  resume: (runId: number) => void;
  /** Cancels a queued or waiting run. */
  cancel: (runId: number) => void;
  /** The role being started, 'resume' while a resume is sent, 'cancel' while a cancel is. */
  pending: AgentType | 'resume' | 'cancel' | null;
}

type Tone = 'info' | 'waiting' | 'action' | 'attention' | 'success';
const TONES: Record<Tone, string> = {
  info: 'border-sky-200 bg-sky-50 text-sky-950',
  waiting: 'border-stone-300 bg-stone-50 text-stone-900',
  action: 'border-indigo-200 bg-indigo-50 text-indigo-950',
  attention: 'border-red-200 bg-red-50 text-red-950',
  success: 'border-green-200 bg-green-50 text-green-950',
};
/** What the banner's moment is at a glance: working, your move, trouble, done. */
const TONE_ICONS: Record<Tone, { icon: LucideIcon; className: string }> = {
  info: { icon: LoaderCircle, className: 'animate-spin text-sky-600' },
  // Nothing runs yet: a still clock, never a spinner.
  waiting: { icon: Clock, className: 'text-stone-600' },
  action: { icon: CircleDot, className: 'text-indigo-600' },
  attention: { icon: CircleAlert, className: 'text-red-600' },
  success: { icon: CircleCheck, className: 'text-green-600' },
};

function Banner({ tone, title, icon, children }: { tone: Tone; title: string; icon?: LucideIcon; children?: ReactNode }) {
  return (
    <div
      role="region"
      aria-label="What next"
      className={`rounded-md border p-3 text-sm ${TONES[tone]}`}
      data-testid="next-step"
      data-tone={tone}
    >
      <p className="flex items-start gap-2 font-semibold">
        <ToneIcon tone={tone} icon={icon} />
        {title}
      </p>
      {children}
    </div>
  );
}

function ToneIcon({ tone, icon }: { tone: Tone; icon?: LucideIcon }) {
  const { icon: toneIcon, className } = TONE_ICONS[tone];
  const Icon = icon ?? toneIcon;
  return <Icon aria-hidden="true" className={`mt-0.5 h-4 w-4 shrink-0 ${className}`} />;
}

function PrLink({ url }: { url: string }) {
  return (
    <a
      href={url}
      target="_blank"
      rel="noreferrer noopener"
      className="inline-flex items-center gap-1.5 rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-indigo-700 hover:bg-stone-100"
    >
      <GitPullRequest aria-hidden="true" className="h-4 w-4" />
      Open pull request
      <ExternalLink aria-hidden="true" className="h-3.5 w-3.5 opacity-70" />
    </a>
  );
}

function ConversationLink({ task, run, children }: { task: TaskDto; run: AgentRunDto | undefined; children: ReactNode }) {
  if (!run?.conversationId) return null;
  return (
    <Link
      className="inline-flex items-center gap-1 text-sm text-indigo-700 underline"
      to={paths.chat(task.projectId, task.id, run.conversationId)}
    >
      <MessageSquareText aria-hidden="true" className="h-4 w-4" />
      {children}
    </Link>
  );
}

const role = (t: AgentType) => ROLE_LABELS[t].toLowerCase();

/** The question's conversation, as the banner's primary action (a link: it opens another screen). */
function AnswerLink({ task, conversationId }: { task: TaskDto; conversationId: number }) {
  return (
    <Link
      to={paths.chat(task.projectId, task.id, conversationId)}
      className="inline-flex items-center justify-center gap-1.5 rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white transition-colors hover:bg-indigo-700"
    >
      <MessageCircleQuestionMark aria-hidden="true" className="h-4 w-4 shrink-0" />
      Answer the question
    </Link>
  );
}

export function NextStep({
  task,
  runs,
  next,
  actions,
}: {
  task: TaskDto;
  runs: readonly AgentRunDto[];
  next: NextAction;
  actions: NextStepActions;
}) {
  const busy = (t: AgentType | 'resume' | 'cancel') => actions.pending === t;
  const row = 'mt-2 flex flex-wrap items-center gap-2';
  switch (next.kind) {
    case 'running':
      return (
        <Banner tone="info" title={`The ${role(next.agentType)} agent is working.`}>
          <p className="mt-1">The pipeline moves on by itself when it ends; this page updates live.</p>
          <div className={row}>
            <ConversationLink task={task} run={latestRun(runs, next.agentType)}>
              Watch its conversation
            </ConversationLink>
          </div>
        </Banner>
      );
    case 'waiting': {
      const quota = next.status === 'waiting_for_quota';
      return (
        <Banner
          tone="waiting"
          icon={quota ? Hourglass : Clock}
          title={quota ? `The ${role(next.agentType)} agent waits for its usage limit.` : `The ${role(next.agentType)} agent is queued.`}
        >
          <p className="mt-1 font-medium" data-testid="queue-place">
            {queueSentence(next.status, next.queue)}
          </p>
          <p className="mt-1">
            {quota
              ? 'Your provider’s usage limit was reached. The run picks up its own session when the limit resets; this page updates live.'
              : 'It starts by itself when its turn comes; this page updates live. Cancel it if you no longer want it.'}
          </p>
          <div className={row}>
            <Button icon={X} busy={busy('cancel')} onClick={() => actions.cancel(next.runId)}>
              Cancel run
            </Button>
          </div>
        </Banner>
      );
    }
    case 'question':
      return (
        <Banner
          tone="action"
          title={
            next.agentType
              ? `The ${role(next.agentType)} agent has a question for you.`
              : 'An agent in a chat of this task has a question for you.'
          }
        >
          <p className="mt-1">It waits for your answer before it goes on. Open its conversation to answer.</p>
          <div className={row}>
            <AnswerLink task={task} conversationId={next.conversationId} />
          </div>
        </Banner>
      );
    case 'start': {
      const what =
        next.agentType === 'planification'
          ? next.again
            ? {
                title: 'Planning ended without a plan.',
                text: 'Read its conversation for why, then plan again.',
                label: 'Plan again',
                icon: RotateCcw,
              }
            : {
                title: 'Start with a plan.',
                text: 'The planning agent reads the request and the code, then writes a plan into the task document for you to approve.',
                label: 'Start planning',
                icon: ListChecks,
              }
          : next.agentType === 'yolo'
            ? {
                title: 'YOLO: one agent does it all.',
                text: 'It implements, reviews itself and opens the pull request.',
                label: next.again ? 'Run the YOLO agent again' : 'Start the YOLO agent',
                icon: next.again ? RotateCcw : Zap,
              }
            : next.agentType === 'pr'
              ? {
                  title: 'The review says the work is ready.',
                  text: 'The pull request agent commits, pushes, opens the pull request and watches CI.',
                  label: 'Open the pull request',
                  icon: GitPullRequestArrow,
                }
              : {
                  title: 'The loop paused.',
                  text: `The next step is the ${role(next.agentType)} agent.`,
                  label: `Run ${role(next.agentType)}`,
                  icon: Play,
                };
      return (
        <Banner tone="action" title={what.title}>
          <p className="mt-1">{what.text}</p>
          <div className={row}>
            <Button variant="primary" icon={what.icon} busy={busy(next.agentType)} onClick={() => actions.start(next.agentType)}>
              {what.label}
            </Button>
          </div>
        </Banner>
      );
    }
    case 'approve-plan':
      return <ApprovePlan actions={actions} />;
    case 'unblock':
      return (
        <Banner
          tone="attention"
          title={next.reason === 'max_iterations' ? 'Blocked: the loop reached its iteration limit.' : 'Blocked: the agents need you.'}
        >
          {next.reason && next.reason !== 'max_iterations' ? (
            <p className="mt-1 whitespace-pre-wrap">{next.reason}</p>
          ) : (
            <p className="mt-1">Implementation and review went round too many times without the review saying READY.</p>
          )}
          {task.blockDetail && <BlockDetail text={task.blockDetail} />}
          <p className="mt-1">
            {next.agentType === 'pr'
              ? 'Fix what stands in the way, then unblock: the pull request agent takes the pull request up where it stopped, or the implementation agent reworks the change first.'
              : `Fix what stands in the way (edit the task document if the plan needs it), then unblock: the ${role(next.agentType)} agent starts again.`}
          </p>
          <div className={row}>
            <Button variant="primary" icon={LockOpen} busy={busy(next.agentType)} onClick={() => actions.start(next.agentType)}>
              Unblock
            </Button>
            {/* Blocked at the pull-request stage: the implementation agent can rework the change instead. */}
            {next.agentType === 'pr' && (
              <Button icon={Wrench} busy={busy('implementation')} onClick={() => actions.start('implementation')}>
                Unblock with the implementation agent
              </Button>
            )}
          </div>
        </Banner>
      );
    case 'resume':
      return (
        <Banner tone="attention" title={`The ${role(next.agentType)} run was interrupted.`}>
          {next.reason && <p className="mt-1">{next.reason}</p>}
          <div className={row}>
            <Button variant="primary" icon={Play} busy={busy('resume')} onClick={() => actions.resume(next.runId)}>
              Resume
            </Button>
          </div>
        </Banner>
      );
    case 'retry': {
      // A run the user cancelled while it waited ended `failed` too, but nothing went wrong.
      const cancelled = next.reason?.startsWith('cancelled ') ?? false;
      return (
        <Banner
          tone={cancelled ? 'action' : 'attention'}
          title={cancelled ? `The ${role(next.agentType)} run was cancelled.` : `The ${role(next.agentType)} run failed.`}
        >
          {next.reason && <p className="mt-1 whitespace-pre-wrap">{cancelled ? `It was ${next.reason}.` : next.reason}</p>}
          <div className={row}>
            <Button variant="primary" icon={RotateCcw} busy={busy(next.agentType)} onClick={() => actions.start(next.agentType)}>
              {cancelled ? `Run ${role(next.agentType)} again` : `Retry ${role(next.agentType)}`}
            </Button>
          </div>
        </Banner>
      );
    }
    case 'pr-stopped':
      return (
        <Banner tone="attention" title="The pull request agent stopped without a pull request.">
          <p className="mt-1 whitespace-pre-wrap">{next.reason}</p>
          <div className={row}>
            <Button
              variant="primary"
              icon={RotateCcw}
              busy={busy(task.yoloMode ? 'yolo' : 'pr')}
              onClick={() => actions.start(task.yoloMode ? 'yolo' : 'pr')}
            >
              Run the {task.yoloMode ? 'YOLO' : 'pull request'} agent again
            </Button>
            {next.prUrl && <PrLink url={next.prUrl} />}
            <ConversationLink task={task} run={latestRun(runs, task.yoloMode ? 'yolo' : 'pr')}>
              Its conversation
            </ConversationLink>
          </div>
        </Banner>
      );
    case 'pr-open': {
      const ci = next.ci ? ciWords[next.ci] : null;
      return (
        <Banner
          tone={next.ready ? 'success' : 'action'}
          title={next.ready ? 'Pull request open and ready to merge.' : 'Pull request open; CI is not green.'}
        >
          <div className="mt-1 flex flex-wrap items-center gap-2">
            {ci && <Badge tone={ci.tone}>{ci.label}</Badge>}
            <span>
              {next.ready
                ? 'Review it on GitHub, then merge: the worktree and branch are cleaned up and the task is completed.'
                : next.ci === 'failure'
                  ? 'A check failed after the pull request agent finished. Run it again to fix CI, or fix it yourself.'
                  : 'The checks are still running; this updates when GitHub reports them.'}
            </span>
          </div>
          <div className={row}>
            {next.prUrl && <PrLink url={next.prUrl} />}
            {next.ready ? (
              <MergeButton task={task} primary />
            ) : (
              next.ci === 'failure' && (
                <Button variant="primary" icon={Wrench} busy={busy('pr')} onClick={() => actions.start(task.yoloMode ? 'yolo' : 'pr')}>
                  Fix CI with the {task.yoloMode ? 'YOLO' : 'pull request'} agent
                </Button>
              )
            )}
          </div>
        </Banner>
      );
    }
    case 'pr-closed':
      return (
        <Banner tone="attention" title="The pull request was closed without merging.">
          <p className="mt-1">Reopen it on GitHub to go on; the task stays as it is meanwhile.</p>
          <div className={row}>{next.prUrl && <PrLink url={next.prUrl} />}</div>
        </Banner>
      );
    case 'merged':
      return (
        <Banner tone="success" title="Merged.">
          <p className="mt-1">
            The pull request is merged, the worktree and branch are cleaned up; the task document stays in the archive.
          </p>
          <div className={row}>{next.prUrl && <PrLink url={next.prUrl} />}</div>
        </Banner>
      );
    case 'completed':
      return (
        <Banner tone="success" title="This task is completed.">
          <p className="mt-1">No more agents run on it.</p>
        </Banner>
      );
  }
}

function ApprovePlan({ actions }: { actions: NextStepActions }) {
  const [revising, setRevising] = useState(false);
  const [note, setNote] = useState('');
  return (
    <Banner tone="action" title="The plan is ready for your review.">
      <p className="mt-1">
        Read it in the task document below. Approve it to start implementation, or say what should change and planning runs again.
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <Button
          variant="primary"
          icon={CircleCheck}
          busy={actions.pending === 'implementation'}
          onClick={() => actions.start('implementation')}
        >
          Approve plan
        </Button>
        <Button icon={PencilLine} aria-expanded={revising} onClick={() => setRevising((r) => !r)}>
          Revise plan…
        </Button>
      </div>
      {revising && (
        <form
          className="mt-3 flex flex-col gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (note.trim()) actions.start('planification', note.trim());
          }}
        >
          <label htmlFor="revise-note" className="font-medium">
            What should change in the plan?
          </label>
          <textarea
            id="revise-note"
            rows={3}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            className="w-full rounded-md border border-stone-300 bg-white px-2.5 py-1.5 text-sm text-stone-900 outline-none focus:ring-2 focus:ring-indigo-400"
            placeholder="For example: keep the old function as a wrapper; add a test for empty names."
          />
          <div>
            <Button type="submit" variant="primary" icon={RotateCcw} disabled={!note.trim()} busy={actions.pending === 'planification'}>
              Revise plan
            </Button>
          </div>
        </form>
      )}
    </Banner>
  );
}

/** What stands behind a block (the last failing CI log, the conflicting files), to read and to copy. */
function BlockDetail({ text }: { text: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = () => {
    // No clipboard outside a secure context: the promise chain turns that into "failed" too.
    Promise.resolve()
      .then(() => navigator.clipboard.writeText(text))
      .then(
        () => setCopied('yes'),
        () => setCopied('failed'),
      );
  };
  return (
    <div className="mt-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-xs font-medium">Details</p>
        <span className="flex items-center gap-2">
          {copied && (
            <span role="status" className="text-xs">
              {copied === 'yes' ? 'Copied.' : 'Copying failed; select the text instead.'}
            </span>
          )}
          <Button variant="secondary" className="!px-2 !py-0.5 text-xs" icon={Copy} onClick={copy} aria-label="Copy the details">
            Copy
          </Button>
        </span>
      </div>
      <LogBlock label="Block details" text={text} />
    </div>
  );
}
