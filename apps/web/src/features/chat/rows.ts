// What the transcript list shows, one row per visual item: tool calls are
// paired with their results by toolUseId (a result whose call is on a page
// not loaded yet stands alone), an agent run's role prompt is folded away as
// its instructions, the session line appears once (again only when it
// changes), a stopped, interrupted or failed turn gets its marker, and
// in-progress bubbles come last. Also the one-line summaries of tool inputs.
// Pure, for the list and its tests.
import type { UserQuestion } from '@bottega/protocol';
import type { ChatTranscript, StoredMessage, StreamingDraft } from './transcript';

type Msg<T extends StoredMessage['type']> = Extract<StoredMessage, { type: T }>;

export type ChatRow =
  | { kind: 'user'; key: string; message: Msg<'user'> }
  | { kind: 'assistant'; key: string; message: Msg<'assistant'> }
  | { kind: 'thinking'; key: string; message: Msg<'assistant_thinking'> }
  | { kind: 'tool'; key: string; call: Msg<'tool_use'>; result: Msg<'tool_result'> | null }
  | { kind: 'orphan-result'; key: string; result: Msg<'tool_result'> }
  | { kind: 'instructions'; key: string; message: Msg<'user'> }
  | { kind: 'session'; key: string; message: Msg<'system'> }
  | { kind: 'marker'; key: string; reason: TurnEnd; message: Msg<'system'> }
  | { kind: 'system'; key: string; message: Msg<'system'> }
  | { kind: 'result'; key: string; message: Msg<'result'> }
  | { kind: 'draft'; key: string; draft: StreamingDraft };

/** How a turn that did not finish ended: a person pressed Stop, the server stopped, or it failed. */
export type TurnEnd = 'stopped' | 'interrupted' | 'failed';

/** The system messages that mark the end of an unfinished turn. */
const TURN_ENDS: Record<string, TurnEnd> = { stopped: 'stopped', interrupted: 'interrupted', error: 'failed' };

export interface RowOptions {
  /**
   * The conversation is an agent run: its first user message is the role
   * prompt even when stored before it was marked as such.
   */
  agentRun?: boolean;
}

/**
 * Rows already built for a message, reused while the message (and a tool
 * call's result) stay the same objects, so memoized row views skip re-rendering.
 */
const built = new WeakMap<StoredMessage, ChatRow>();

function rowFor<R extends ChatRow>(m: StoredMessage, make: () => R, reusable: (r: R) => boolean = () => true): R {
  const cached = built.get(m) as R | undefined;
  if (cached && reusable(cached)) return cached;
  const row = make();
  built.set(m, row);
  return row;
}

export function buildRows(t: ChatTranscript, options: RowOptions = {}): ChatRow[] {
  const calls = new Set<string>();
  const results = new Map<string, Msg<'tool_result'>>();
  for (const m of t.messages) {
    if (m.type === 'tool_use') calls.add(m.toolUseId);
    else if (m.type === 'tool_result' && !results.has(m.toolUseId)) results.set(m.toolUseId, m);
  }
  // Older transcripts carry no instructions flag: an agent run's first message is its prompt.
  const firstUser = options.agentRun && !t.hasOlder ? t.messages.find((m) => m.type === 'user') : undefined;
  let session: string | null = null;
  const rows: ChatRow[] = [];
  for (const m of t.messages) {
    switch (m.type) {
      case 'user':
        {
          const kind = m.instructions || m === firstUser ? 'instructions' : 'user';
          rows.push(
            rowFor(
              m,
              () => ({ kind, key: m.id, message: m }),
              (r) => r.kind === kind,
            ),
          );
        }
        break;
      case 'assistant':
        rows.push(rowFor(m, () => ({ kind: 'assistant', key: m.id, message: m })));
        break;
      case 'assistant_thinking':
        rows.push(rowFor(m, () => ({ kind: 'thinking', key: m.id, message: m })));
        break;
      case 'tool_use': {
        const result = results.get(m.toolUseId) ?? null;
        rows.push(
          rowFor(
            m,
            () => ({ kind: 'tool', key: m.id, call: m, result }),
            (r) => r.kind === 'tool' && r.result === result,
          ),
        );
        break;
      }
      case 'tool_result':
        if (!calls.has(m.toolUseId)) rows.push(rowFor(m, () => ({ kind: 'orphan-result', key: m.id, result: m })));
        break;
      case 'system': {
        // Every turn opens a session the same way: said once, and again only when something changed.
        if (m.subtype === 'init') {
          const text = sessionText(m.text);
          if (text !== session) rows.push(rowFor(m, () => ({ kind: 'session', key: m.id, message: m })));
          session = text;
          break;
        }
        const reason = TURN_ENDS[m.subtype];
        if (reason) rows.push(rowFor(m, () => ({ kind: 'marker', key: m.id, reason, message: m })));
        else rows.push(rowFor(m, () => ({ kind: 'system', key: m.id, message: m })));
        break;
      }
      case 'result':
        rows.push(rowFor(m, () => ({ kind: 'result', key: m.id, message: m })));
        break;
    }
  }
  for (const d of t.drafts) rows.push({ kind: 'draft', key: `draft:${d.parentId}`, draft: d });
  return rows;
}

/**
 * What the session line says: the agent and model, without the permission
 * mode older transcripts spelled out ("…, permission mode bypassPermissions").
 */
export function sessionText(text: string): string {
  return text
    .replace(/,?\s*permission mode \S+/i, '')
    .replace(/: model /, ' · ')
    .trim();
}

/**
 * The question the agent is waiting on according to the transcript: the last
 * AskUserQuestion call with no result yet and nothing the user said after it
 * (after a server restart the live state no longer knows it, the transcript does).
 */
export function pendingQuestionOf(t: ChatTranscript): { toolUseId: string; questions: UserQuestion[] } | null {
  const answered = new Set<string>();
  for (let i = t.messages.length - 1; i >= 0; i--) {
    const m = t.messages[i] as StoredMessage;
    if (m.type === 'user') return null;
    if (m.type === 'tool_result') answered.add(m.toolUseId);
    if (m.type === 'tool_use' && m.question && m.question.length > 0) {
      return answered.has(m.toolUseId) ? null : { toolUseId: m.toolUseId, questions: m.question };
    }
  }
  return null;
}

const oneLine = (s: string, max = 120): string => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** Input fields that best describe a call, in order of preference. */
const SUMMARY_FIELDS = ['command', 'file_path', 'path', 'pattern', 'url', 'query', 'description', 'prompt', 'skill'] as const;

/** A one-line description of a tool call's input ("npm test", "src/a.ts", …). */
export function summarizeInput(name: string, input: unknown): string {
  if (input === null || input === undefined) return '';
  if (typeof input !== 'object') return oneLine(String(input));
  const o = input as Record<string, unknown>;
  if (name === 'AskUserQuestion' && Array.isArray(o.questions)) {
    const first = o.questions[0] as { question?: unknown } | undefined;
    if (typeof first?.question === 'string') return oneLine(first.question);
  }
  if (name === 'TodoWrite' && Array.isArray(o.todos)) return `${o.todos.length} item${o.todos.length === 1 ? '' : 's'}`;
  for (const f of SUMMARY_FIELDS) {
    const v = o[f];
    if (typeof v === 'string' && v.trim() !== '') return oneLine(v);
  }
  const json = JSON.stringify(input);
  return json === '{}' ? '' : oneLine(json);
}

/** Output longer than this many lines is shown truncated until expanded. */
export const OUTPUT_PREVIEW_LINES = 12;
const OUTPUT_PREVIEW_CHARS = 2000;

/** The first lines of a long output, or null when it is short enough to show whole. */
export function outputPreview(output: string): string | null {
  const lines = output.split('\n');
  if (lines.length <= OUTPUT_PREVIEW_LINES && output.length <= OUTPUT_PREVIEW_CHARS) return null;
  return lines.slice(0, OUTPUT_PREVIEW_LINES).join('\n').slice(0, OUTPUT_PREVIEW_CHARS);
}
