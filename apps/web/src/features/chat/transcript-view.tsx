// The virtualized transcript: only the rows near the viewport are in the DOM
// (rows measure themselves), the view is anchored to its end so new messages
// keep it at the bottom unless the user scrolled up, and reaching the top
// pages in older messages without moving what is on screen.
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Button, InlineError, Spinner } from '../../ui';
import { RowView } from './message-rows';
import { buildRows } from './rows';
import type { ChatTranscript } from './transcript';

/** Within this many pixels of the top, the next older page is requested. */
const LOAD_OLDER_WITHIN_PX = 3000;

export function TranscriptView({
  transcript,
  streaming,
  older,
  taskId,
  agentRun,
}: {
  transcript: ChatTranscript;
  streaming: boolean;
  taskId: number;
  /** An agent run: its first message is the role prompt. */
  agentRun: boolean;
  older: { loading: boolean; error: unknown; loadOlder: () => Promise<void> };
}) {
  const rows = useMemo(() => buildRows(transcript, { agentRun }), [transcript, agentRun]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 72,
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 6,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: 48,
    paddingStart: 8,
    paddingEnd: 8,
  });

  // Opens on the newest message.
  const opened = useRef(false);
  useLayoutEffect(() => {
    if (opened.current || rows.length === 0) return;
    opened.current = true;
    virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
  }, [rows.length, virtualizer]);

  const { hasOlder } = transcript;
  const { loading, error, loadOlder } = older;
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const check = () => {
      if (opened.current && hasOlder && !loading && !error && el.scrollTop < LOAD_OLDER_WITHIN_PX) void loadOlder();
    };
    check();
    el.addEventListener('scroll', check, { passive: true });
    return () => el.removeEventListener('scroll', check);
  }, [hasOlder, loading, error, loadOlder]);

  const items = virtualizer.getVirtualItems();
  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      {(hasOlder || loading || Boolean(error)) && (
        <div className="pointer-events-none absolute inset-x-0 top-2 z-10 flex justify-center text-xs text-stone-500">
          <div className="pointer-events-auto rounded-full bg-white/90 px-2 shadow-sm">
            {loading ? (
              <span className="flex items-center gap-2 px-2 py-1">
                <Spinner small /> Loading older messages…
              </span>
            ) : error ? (
              <div className="flex flex-col items-center gap-1 p-2">
                <InlineError error={error} />
                <Button onClick={() => void loadOlder()}>Try again</Button>
              </div>
            ) : (
              <Button variant="ghost" onClick={() => void loadOlder()}>
                Load older messages
              </Button>
            )}
          </div>
        </div>
      )}
      <div
        ref={scrollRef}
        className="min-h-0 flex-1 overflow-y-auto overscroll-contain"
        data-testid="transcript"
        role="log"
        aria-label="Conversation"
        aria-busy={loading || undefined}
      >
        <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
          <div className="absolute left-0 top-0 w-full" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
            {items.map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              const seq =
                'message' in row
                  ? row.message.seq
                  : row.kind === 'tool'
                    ? row.call.seq
                    : row.kind === 'orphan-result'
                      ? row.result.seq
                      : undefined;
              return (
                <div key={item.key} ref={virtualizer.measureElement} data-index={item.index} data-seq={seq} className="px-2 py-1.5 sm:px-4">
                  <RowView row={row} streaming={streaming} taskId={taskId} />
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
