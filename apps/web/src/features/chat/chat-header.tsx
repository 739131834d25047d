// The chat's header: back to the task, what the conversation is (title —
// automatic after the first exchange, renamable here — kind,
// provider/model/effort), whether the agent is working (with Stop), and how
// full the context window is.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Clock, Square } from 'lucide-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ContextUsage, ConversationDto, TaskDto } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Badge, Button, InlineError, LiveDot } from '../../ui';

const fmt = new Intl.NumberFormat('en-US');

/** "12.3k" for large token counts. */
export function tokens(n: number): string {
  if (n < 10_000) return fmt.format(n);
  return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
}

export function ContextMeter({ usage }: { usage: ContextUsage | null }) {
  if (!usage) {
    return (
      <span className="text-xs text-stone-500" data-testid="context-meter">
        Context: not reported yet
      </span>
    );
  }
  const pct = usage.windowTokens ? Math.min(100, (usage.usedTokens / usage.windowTokens) * 100) : null;
  const bar = pct === null ? 'bg-stone-400' : pct >= 90 ? 'bg-red-500' : pct >= 70 ? 'bg-amber-500' : 'bg-green-500';
  const label = usage.windowTokens
    ? `${tokens(usage.usedTokens)} / ${tokens(usage.windowTokens)} tokens`
    : `${tokens(usage.usedTokens)} tokens`;
  const breakdown = usage.breakdown ? Object.entries(usage.breakdown).sort((a, b) => b[1] - a[1]) : [];
  const meter = (
    <span className="flex items-center gap-2" title={pct === null ? label : `${label} (${pct.toFixed(0)}%)`}>
      <span className="text-xs text-stone-600">Context</span>
      <span
        className="relative h-2 w-20 overflow-hidden rounded-full bg-stone-200 sm:w-28"
        role="meter"
        aria-label="Context window used"
        aria-valuemin={0}
        aria-valuemax={usage.windowTokens ?? usage.usedTokens}
        aria-valuenow={usage.usedTokens}
        aria-valuetext={label}
      >
        <span className={`absolute inset-y-0 left-0 ${bar}`} style={{ width: `${pct ?? 100}%` }} />
      </span>
      <span className="whitespace-nowrap text-xs tabular-nums text-stone-700">{label}</span>
    </span>
  );
  if (breakdown.length === 0) return <div data-testid="context-meter">{meter}</div>;
  return (
    <details className="relative" data-testid="context-meter">
      <summary className="cursor-pointer list-none">{meter}</summary>
      <div className="absolute right-0 z-20 mt-1 w-56 rounded-md border border-stone-200 bg-white p-2 text-xs shadow-lg">
        <p className="mb-1 font-medium">Breakdown</p>
        <dl className="grid grid-cols-[1fr_auto] gap-x-3 gap-y-0.5">
          {breakdown.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="truncate text-stone-600">{k}</dt>
              <dd className="text-right tabular-nums">{tokens(v)}</dd>
            </div>
          ))}
        </dl>
      </div>
    </details>
  );
}

/** The title, with an inline editor; the server's `conversation.renamed` event updates every open screen. */
export function ConversationTitle({ conversation }: { conversation: ConversationDto }) {
  const qc = useQueryClient();
  const [draft, setDraft] = useState<string | null>(null);
  const rename = useMutation({
    mutationFn: (title: string) =>
      api.patch('/api/conversations/:conversationId', { params: { conversationId: conversation.id }, body: { title } }),
    onSuccess: ({ conversation: updated }) => {
      qc.setQueryData<ConversationDto>(keys.conversation(updated.id), updated);
      setDraft(null);
    },
  });
  const title = conversation.title ?? (conversation.kind === 'chat' ? 'Chat' : 'Agent run');
  if (draft === null) {
    return (
      <span className="flex min-w-0 items-center gap-1">
        <h1 className="min-w-0 truncate text-lg font-semibold sm:text-xl" data-testid="conversation-title">
          {title}
        </h1>
        <button
          type="button"
          className="rounded px-1 text-xs text-indigo-700 hover:underline"
          onClick={() => setDraft(conversation.title ?? '')}
          aria-label="Rename conversation"
        >
          Rename
        </button>
      </span>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft.trim()) rename.mutate(draft.trim());
  };
  return (
    <form className="flex min-w-0 flex-wrap items-center gap-2" onSubmit={submit}>
      <input
        className="min-w-0 rounded border border-stone-300 px-2 py-1 text-base"
        aria-label="Conversation title"
        value={draft}
        maxLength={200}
        autoFocus
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setDraft(null);
        }}
      />
      <Button type="submit" variant="primary" busy={rename.isPending} disabled={!draft.trim()}>
        Save
      </Button>
      <Button type="button" onClick={() => setDraft(null)}>
        Cancel
      </Button>
      <InlineError error={rename.error} />
    </form>
  );
}

export function ChatHeader({
  conversation,
  task,
  taskHref,
  streaming,
  waiting = false,
  onStop,
  stopping,
  stopError,
}: {
  conversation: ConversationDto;
  task: TaskDto | undefined;
  taskHref: string;
  streaming: boolean;
  /** The turn waits for a run slot: nothing works yet; "Cancel message" stops it. */
  waiting?: boolean;
  onStop: () => void;
  stopping: boolean;
  stopError: unknown;
}) {
  const model = [conversation.provider, conversation.model, conversation.effort].filter(Boolean).join(' · ');
  return (
    <header className="flex flex-col gap-2 border-b border-stone-200 pb-2">
      <Link to={taskHref} className="w-fit truncate text-sm text-indigo-700 hover:underline">
        ← {task ? task.title : 'Back to the task'}
      </Link>
      <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-2">
        <div className="flex min-w-0 flex-wrap items-center gap-2">
          <ConversationTitle conversation={conversation} />
          <Badge tone={conversation.kind === 'chat' ? 'indigo' : 'sky'}>{conversation.kind === 'chat' ? 'chat' : 'agent run'}</Badge>
          {model && <span className="text-xs text-stone-500">{model}</span>}
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <ContextMeter usage={conversation.contextUsage} />
          {streaming && waiting ? (
            <span className="flex items-center gap-2" data-testid="waiting">
              <Clock aria-hidden="true" className="h-3.5 w-3.5 text-stone-600" />
              <span className="text-xs text-stone-700">Waiting for a slot</span>
              <Button onClick={onStop} busy={stopping}>
                Cancel message
              </Button>
            </span>
          ) : streaming ? (
            <span className="flex items-center gap-2" data-testid="streaming">
              <LiveDot label="Agent working" />
              <span className="text-xs text-green-800">Working…</span>
              <Button variant="danger" onClick={onStop} busy={stopping}>
                {!stopping && <Square aria-hidden="true" size={12} fill="currentColor" />}
                Stop
              </Button>
            </span>
          ) : (
            <span className="text-xs text-stone-500" data-testid="idle">
              Idle
            </span>
          )}
        </div>
      </div>
      <InlineError error={stopError} />
    </header>
  );
}
