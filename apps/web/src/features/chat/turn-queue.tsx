// A chat turn that waits for a run slot (docs/behaviour/web-app.md#chat-screen): the server says
// `turn.queued` with the turn's place, then `streaming.started` once it got a slot. Until then the
// chat shows that the message is sent and waits, with its place in line — not an agent "working".
// An agent run's conversation whose run waits (for a slot, or for its usage limit) says so too.
import type { ReactNode } from 'react';
import { skipToken, useQuery } from '@tanstack/react-query';
import { Clock, Hourglass } from 'lucide-react';
import { Link } from 'react-router';
import { isWaitingRunStatus, queueReasonLabels, type AgentRunDto, type RunQueueDto } from '@bottega/protocol';
import { keys } from '../../lib/keys';
import { onServerEvent } from '../../lib/live';
import { queueSentence } from '../../lib/queue-words';

onServerEvent((qc, event) => {
  switch (event.type) {
    case 'turn.queued':
      qc.setQueryData<RunQueueDto | null>(keys.conversationQueue(event.conversationId), event.queue);
      break;
    case 'streaming.started':
    case 'streaming.ended':
      qc.setQueryData<RunQueueDto | null>(keys.conversationQueue(event.conversationId), null);
      break;
    default:
      break;
  }
});

/** The open conversation's waiting turn, or null (known only from the events seen on this page). */
export function useTurnQueue(conversationId: number): RunQueueDto | null {
  const q = useQuery<RunQueueDto | null>({ queryKey: keys.conversationQueue(conversationId), queryFn: skipToken });
  return q.data ?? null;
}

/** "Waiting for a free agent slot — 3 in line". */
export function turnQueueText(queue: RunQueueDto): string {
  const place = queue.position === null ? '' : queue.position === 1 ? ' — next in line' : ` — ${queue.position} in line`;
  return `Waiting for a free agent slot${place}`;
}

/** The calm box both waits are said in: what waits (the headline) and what happens next. */
function WaitNotice({
  icon: Icon,
  testId,
  headline,
  children,
}: {
  icon: typeof Clock;
  testId: string;
  headline: string;
  children: ReactNode;
}) {
  return (
    <div
      role="status"
      className="flex items-start gap-2 rounded-md border border-stone-300 bg-stone-50 px-3 py-2 text-sm text-stone-800"
      data-testid={testId}
    >
      <Icon aria-hidden="true" className="mt-0.5 h-4 w-4 shrink-0 text-stone-600" />
      <p>
        <span className="font-medium">{headline}</span>
        <span className="block text-xs text-stone-600">{children}</span>
      </p>
    </div>
  );
}

export function TurnQueueNotice({ queue }: { queue: RunQueueDto }) {
  return (
    <WaitNotice icon={Clock} testId="turn-queue" headline={turnQueueText(queue)}>
      Your message is sent; the agent answers as soon as it gets a slot ({queueReasonLabels[queue.reason]}).
    </WaitNotice>
  );
}

/** The run of an agent-run conversation waits: why and until when, and where to cancel it. */
export function RunWaitNotice({ run, taskHref }: { run: AgentRunDto; taskHref: string }) {
  if (!isWaitingRunStatus(run.status)) return null;
  return (
    <WaitNotice
      icon={run.status === 'waiting_for_quota' ? Hourglass : Clock}
      testId="run-wait"
      headline={queueSentence(run.status, run.queue)}
    >
      This agent run is not working now.{' '}
      <Link to={taskHref} className="text-indigo-700 underline">
        Cancel it from its task
      </Link>{' '}
      if you no longer want it.
    </WaitNotice>
  );
}
