// The chat transcript cache (kept at keys.messages(conversationId)): the
// stored messages loaded so far, in seq order and unique by id, plus the
// in-progress bubbles built from live stream deltas. Pure functions only, so
// the reducer that applies server events is easy to test; the screen and the
// event registration live in chat-data.ts.
import type { TranscriptPageDto, UnifiedMessage } from '@bottega/protocol';

/** A stored (persisted) message: everything but the live-only stream_delta. */
export type StoredMessage = Exclude<UnifiedMessage, { type: 'stream_delta' }>;
type StreamDelta = Extract<UnifiedMessage, { type: 'stream_delta' }>;

/** Text and thinking streamed so far for one model message (keyed by the delta's parentId). */
export interface StreamingDraft {
  parentId: string;
  text: string;
  thinking: string;
}

export interface ChatTranscript {
  /** Stored messages, ascending by seq, no duplicate ids. */
  messages: StoredMessage[];
  /** Older stored messages exist before the first loaded one. */
  hasOlder: boolean;
  /** In-progress bubbles, in the order their first delta arrived. */
  drafts: StreamingDraft[];
}

export const emptyTranscript = (): ChatTranscript => ({ messages: [], hasOlder: false, drafts: [] });

const isStored = (m: UnifiedMessage): m is StoredMessage => m.type !== 'stream_delta';

/** The highest stored seq loaded, or null when nothing is loaded. */
export function lastSeq(t: ChatTranscript): number | null {
  return t.messages.at(-1)?.seq ?? null;
}

/** The lowest stored seq loaded (the `beforeSeq` of the next older page). */
export function firstSeq(t: ChatTranscript): number | null {
  return t.messages[0]?.seq ?? null;
}

/** Does this final message complete (part of) the draft? Claude ids are `<api message id>:<block>`. */
function belongsTo(message: StoredMessage, parentId: string): boolean {
  return message.id === parentId || message.id.startsWith(`${parentId}:`);
}

/**
 * Removes from the drafts what the given final messages replace: an
 * `assistant` message replaces its draft's text, `assistant_thinking` its
 * thinking. A final message whose id names no draft replaces the oldest draft
 * holding that kind of text (providers whose ids do not embed the parent).
 */
function settleDrafts(drafts: StreamingDraft[], finals: readonly StoredMessage[]): StreamingDraft[] {
  if (drafts.length === 0) return drafts;
  let next = drafts;
  for (const m of finals) {
    if (m.type !== 'assistant' && m.type !== 'assistant_thinking') continue;
    const field = m.type === 'assistant' ? 'text' : 'thinking';
    let i = next.findIndex((d) => belongsTo(m, d.parentId));
    if (i === -1) i = next.findIndex((d) => d[field] !== '');
    if (i === -1) continue;
    next = next.slice();
    next[i] = { ...(next[i] as StreamingDraft), [field]: '' };
  }
  return next === drafts ? drafts : next.filter((d) => d.text !== '' || d.thinking !== '');
}

/**
 * Merges stored messages into the transcript: ids already present are
 * ignored (events may repeat what a page already delivered), the rest are
 * placed by seq, whatever order they arrive in.
 */
export function mergeMessages(t: ChatTranscript, incoming: readonly UnifiedMessage[]): ChatTranscript {
  const stored = incoming.filter(isStored);
  if (stored.length === 0) return t;
  const known = new Set(t.messages.map((m) => m.id));
  const fresh: StoredMessage[] = [];
  for (const m of stored) {
    if (known.has(m.id)) continue;
    known.add(m.id);
    fresh.push(m);
  }
  const drafts = settleDrafts(t.drafts, fresh);
  if (fresh.length === 0) return drafts === t.drafts ? t : { ...t, drafts };
  fresh.sort((a, b) => a.seq - b.seq);
  const last = lastSeq(t);
  const first = fresh[0] as StoredMessage;
  // The common case: appended after everything loaded.
  const messages = last === null || first.seq > last ? [...t.messages, ...fresh] : [...t.messages, ...fresh].sort((a, b) => a.seq - b.seq);
  return { ...t, messages, drafts };
}

/** Adds one streamed piece to its draft (a new draft when its parent is new). */
export function applyDelta(t: ChatTranscript, delta: StreamDelta): ChatTranscript {
  if (delta.text === '') return t;
  const i = t.drafts.findIndex((d) => d.parentId === delta.parentId);
  const current = i === -1 ? { parentId: delta.parentId, text: '', thinking: '' } : (t.drafts[i] as StreamingDraft);
  const updated =
    delta.kind === 'text' ? { ...current, text: current.text + delta.text } : { ...current, thinking: current.thinking + delta.text };
  const drafts = t.drafts.slice();
  if (i === -1) drafts.push(updated);
  else drafts[i] = updated;
  return { ...t, drafts };
}

/** Applies one live `message` event: a delta grows a draft, anything else is merged. */
export function applyMessage(t: ChatTranscript, message: UnifiedMessage): ChatTranscript {
  return message.type === 'stream_delta' ? applyDelta(t, message) : mergeMessages(t, [message]);
}

/** Drops every in-progress bubble (the turn ended; what it produced is stored). */
export function clearDrafts(t: ChatTranscript): ChatTranscript {
  return t.drafts.length === 0 ? t : { ...t, drafts: [] };
}

/** The transcript of a freshly loaded newest page. */
export function fromTailPage(page: TranscriptPageDto): ChatTranscript {
  return mergeMessages({ ...emptyTranscript(), hasOlder: page.hasMore }, page.messages);
}

/** Adds an older page (read with beforeSeq) in front. */
export function withOlderPage(t: ChatTranscript, page: TranscriptPageDto): ChatTranscript {
  return { ...mergeMessages(t, page.messages), hasOlder: page.hasMore };
}
