// How each transcript row looks: user bubbles (with their images) and
// assistant bubbles (markdown), an agent run's instructions folded away,
// collapsed thinking, tool calls with their results, the quiet session line,
// the marker of a turn that was stopped, interrupted or failed, and the small
// notes for other system and result messages.
import { memo, useState, type ReactNode } from 'react';
import type { StoredImage } from '@bottega/protocol';
import { fillPath } from '../../lib/api';
import { LazyMarkdown } from '../../ui/lazy';
import { Badge } from '../../ui';
import { outputPreview, sessionText, summarizeInput, type ChatRow, type TurnEnd } from './rows';
import type { StoredMessage } from './transcript';

type Msg<T extends StoredMessage['type']> = Extract<StoredMessage, { type: T }>;

/** One row; memoized, since scrolling re-renders the list and markdown is costly to re-parse. */
export const RowView = memo(function RowView({ row, streaming, taskId }: { row: ChatRow; streaming: boolean; taskId: number }) {
  switch (row.kind) {
    case 'user':
      return (
        <div className="flex flex-col items-end gap-1" data-kind="user">
          {row.message.images && row.message.images.length > 0 && <Thumbnails taskId={taskId} images={row.message.images} />}
          {row.message.text && (
            <div className="max-w-[85%] rounded-2xl rounded-br-sm bg-indigo-600 px-3 py-2 text-sm text-white">
              <p className="whitespace-pre-wrap break-words">{row.message.text}</p>
            </div>
          )}
        </div>
      );
    case 'instructions':
      return <Instructions text={row.message.text} />;
    case 'session':
      return (
        <p data-kind="session" className="px-1 text-center text-xs text-stone-500">
          {sessionText(row.message.text)}
        </p>
      );
    case 'marker':
      return <TurnMarker reason={row.reason} text={row.message.text} />;
    case 'assistant':
      return (
        <div data-kind="assistant" className="max-w-full rounded-2xl rounded-bl-sm border border-stone-200 bg-white px-3 py-2 text-sm">
          <LazyMarkdown>{row.message.text}</LazyMarkdown>
        </div>
      );
    case 'thinking':
      return <Thinking text={row.message.text} />;
    case 'tool':
      return <ToolCall call={row.call} result={row.result} streaming={streaming} />;
    case 'orphan-result':
      return (
        <Collapsible
          kind="tool"
          summary={<span className="text-stone-600">Tool result</span>}
          badge={row.result.isError ? <Badge tone="red">error</Badge> : null}
        >
          <Output text={row.result.output} error={row.result.isError} />
        </Collapsible>
      );
    case 'system':
      return (
        <p data-kind="system" className={`px-1 text-xs ${row.message.subtype === 'error' ? 'text-red-700' : 'text-stone-500'}`}>
          <span className="font-medium">{row.message.subtype}</span>
          {row.message.text ? `: ${row.message.text}` : ''}
        </p>
      );
    case 'result':
      return <ResultNote message={row.message} />;
    case 'draft':
      return (
        <div data-kind="draft" className="flex flex-col gap-1">
          {row.draft.thinking && (
            <p className="whitespace-pre-wrap border-l-2 border-amber-300 pl-2 text-xs italic text-stone-500" aria-label="Thinking so far">
              {row.draft.thinking}
            </p>
          )}
          {row.draft.text && (
            <div className="rounded-2xl rounded-bl-sm border border-dashed border-stone-300 bg-white px-3 py-2 text-sm">
              <p className="whitespace-pre-wrap break-words">{row.draft.text}</p>
            </div>
          )}
        </div>
      );
  }
});

function Collapsible({
  kind,
  summary,
  badge,
  children,
  defaultOpen = false,
}: {
  kind: string;
  summary: ReactNode;
  badge?: ReactNode;
  children: ReactNode;
  defaultOpen?: boolean;
}) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <div data-kind={kind} className="rounded-md border border-stone-200 bg-stone-50 text-sm">
      <button
        type="button"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        className="flex w-full min-w-0 items-center gap-2 px-2 py-1.5 text-left hover:bg-stone-100"
      >
        <span aria-hidden className="w-3 shrink-0 text-stone-400">
          {open ? '▾' : '▸'}
        </span>
        <span className="min-w-0 flex-1 truncate">{summary}</span>
        {badge}
      </button>
      {open && <div className="border-t border-stone-200 px-2 py-2">{children}</div>}
    </div>
  );
}

/** The role prompt an agent run started from: closed by default, readable in full on demand. */
function Instructions({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const lines = text.split('\n').length;
  return (
    <div data-kind="instructions" className="rounded-md border border-stone-200 bg-white text-sm">
      <button
        type="button"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        className="flex w-full min-w-0 items-center gap-2 px-2 py-1.5 text-left hover:bg-stone-50"
      >
        <span aria-hidden className="w-3 shrink-0 text-stone-400">
          {open ? '▾' : '▸'}
        </span>
        <span className="font-medium text-stone-700">Instructions</span>
        <span className="min-w-0 flex-1 truncate text-xs text-stone-500">
          what the agent was asked to do · {lines} line{lines === 1 ? '' : 's'}
        </span>
      </button>
      {open && (
        <div className="max-h-[60vh] overflow-auto border-t border-stone-200 px-3 py-2" role="region" aria-label="Instructions">
          <LazyMarkdown>{text}</LazyMarkdown>
        </div>
      )}
    </div>
  );
}

const TURN_END_LABELS: Record<TurnEnd, string> = {
  stopped: 'Turn stopped',
  interrupted: 'Turn interrupted',
  failed: 'Turn failed',
};

/** A rule across the transcript where a turn ended before it finished, and why. */
function TurnMarker({ reason, text }: { reason: TurnEnd; text: string }) {
  const tone = reason === 'failed' ? 'border-red-200 text-red-700' : 'border-amber-200 text-amber-800';
  // "Stopped by ada." becomes "Turn stopped by ada"; "Stopped." adds nothing to the label; a reason follows it.
  const by = reason === 'stopped' ? /^Stopped by (.+)\.$/.exec(text)?.[1] : undefined;
  const label = by ? `${TURN_END_LABELS[reason]} by ${by}` : TURN_END_LABELS[reason];
  const detail = by || text === 'Stopped.' || !text ? null : text;
  return (
    <div data-kind="marker" data-reason={reason} role="note" aria-label={TURN_END_LABELS[reason]} className="flex items-center gap-2 py-1">
      <span aria-hidden className={`h-px flex-1 border-t ${tone}`} />
      <span className={`max-w-[85%] text-center text-xs ${tone.split(' ')[1]}`}>
        <span className="font-medium">{label}</span>
        {detail && <span className="whitespace-pre-wrap break-words"> — {detail}</span>}
      </span>
      <span aria-hidden className={`h-px flex-1 border-t ${tone}`} />
    </div>
  );
}

/** The images sent with a message, as thumbnails; each opens full size in a new tab. */
function Thumbnails({ taskId, images }: { taskId: number; images: readonly StoredImage[] }) {
  return (
    <ul className="flex max-w-[85%] flex-wrap justify-end gap-1" aria-label="Images sent">
      {images.map((image, i) => {
        const src = fillPath('/api/tasks/:taskId/chat-images/:name', { taskId, name: image.name });
        return (
          <li key={`${image.name}:${i}`}>
            <a
              href={src}
              target="_blank"
              rel="noreferrer"
              className="block rounded-lg border border-stone-200 bg-white hover:border-indigo-400"
            >
              <img
                src={src}
                alt={`Image ${i + 1} sent with this message`}
                loading="lazy"
                className="h-24 w-24 rounded-lg object-cover sm:h-28 sm:w-28"
              />
            </a>
          </li>
        );
      })}
    </ul>
  );
}

function Thinking({ text }: { text: string }) {
  return (
    <Collapsible kind="thinking" summary={<span className="italic text-stone-500">Thinking…</span>}>
      <p className="whitespace-pre-wrap text-xs italic text-stone-600">{text}</p>
    </Collapsible>
  );
}

function ToolCall({ call, result, streaming }: { call: Msg<'tool_use'>; result: Msg<'tool_result'> | null; streaming: boolean }) {
  const summary = summarizeInput(call.name, call.input);
  const badge = result ? (
    result.isError ? (
      <Badge tone="red">error</Badge>
    ) : null
  ) : (
    <Badge tone={streaming ? 'sky' : 'stone'}>{streaming ? 'running' : 'no result'}</Badge>
  );
  return (
    <Collapsible
      kind="tool"
      summary={
        <>
          <span className="font-mono font-medium text-stone-800">{call.name}</span>
          {summary && <span className="ml-2 font-mono text-xs text-stone-500">{summary}</span>}
        </>
      }
      badge={badge}
    >
      <p className="mb-1 text-xs font-medium text-stone-500">Input</p>
      <pre className="mb-2 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-white p-2 font-mono text-xs">
        {JSON.stringify(call.input, null, 2)}
      </pre>
      {result && (
        <>
          <p className="mb-1 text-xs font-medium text-stone-500">{result.isError ? 'Error' : 'Output'}</p>
          <Output text={result.output} error={result.isError} />
        </>
      )}
    </Collapsible>
  );
}

function Output({ text, error }: { text: string; error: boolean }) {
  const [full, setFull] = useState(false);
  const preview = outputPreview(text);
  const shown = full || preview === null ? text : preview;
  return (
    <div data-testid="tool-output">
      <pre
        className={`max-h-[32rem] overflow-auto whitespace-pre-wrap break-all rounded p-2 font-mono text-xs ${error ? 'bg-red-50 text-red-800' : 'bg-white text-stone-800'}`}
      >
        {shown || <span className="text-stone-400">(no output)</span>}
      </pre>
      {preview !== null && (
        <button type="button" className="mt-1 text-xs font-medium text-indigo-700 hover:underline" onClick={() => setFull(!full)}>
          {full ? 'Show less' : `Show all ${text.split('\n').length} lines`}
        </button>
      )}
    </div>
  );
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function ResultNote({ message }: { message: Msg<'result'> }) {
  const tone = message.status === 'success' ? 'text-stone-500' : message.status === 'interrupted' ? 'text-amber-700' : 'text-red-700';
  const parts = [
    message.status === 'success' ? 'Turn finished' : message.status === 'interrupted' ? 'Turn interrupted' : 'Turn failed',
    message.costUsd !== null ? `$${message.costUsd.toFixed(4)}` : null,
    message.durationMs !== null ? formatDuration(message.durationMs) : null,
  ].filter(Boolean);
  return (
    <div data-kind="result" data-status={message.status} className={`flex flex-col items-center gap-0.5 text-center text-xs ${tone}`}>
      <p>{parts.join(' · ')}</p>
      {message.status !== 'success' && message.text && <p className="max-w-prose whitespace-pre-wrap">{message.text}</p>}
    </div>
  );
}
