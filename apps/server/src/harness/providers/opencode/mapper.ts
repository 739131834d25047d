// The only code that knows OpenCode's event shapes: maps the server's events
// for ONE session to unified messages (docs/behaviour/harness.md#mappers). Stateful per turn: it learns
// part types (for deltas), which messages are the user's (their parts are
// not re-emitted: the runtime stored the prompt), which tool calls were
// announced, and the usage of each step; events of other sessions are
// dropped, unknown events of this session become system/unknown. Ids come
// from OpenCode's part and call ids, so re-emits are idempotent.
import type { Event, Part } from '@opencode-ai/sdk/v2/client';
import type { TokenUsage } from '@bottega/protocol';
import type { ProviderMessage } from '../../contract';

type SessionError = NonNullable<Extract<Event, { type: 'session.error' }>['properties']['error']>;

export interface MapperState {
  readonly sessionId: string;
  /** The session went idle: the turn is over. */
  idle: boolean;
  /** The error OpenCode reported for the turn, if any. */
  error: SessionError | null;
  usage: TokenUsage;
  /** Tokens in the context at the last finished step. */
  contextTokens: number | null;
  costUsd: number;
  lastText: string;
  lastAssistantId: string | null;
  readonly partTypes: Map<string, Part['type']>;
  readonly userMessages: Set<string>;
  readonly announced: Set<string>;
  readonly finished: Set<string>;
  deltas: number;
}

export function createMapperState(sessionId: string): MapperState {
  return {
    sessionId,
    idle: false,
    error: null,
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
    contextTokens: null,
    costUsd: 0,
    lastText: '',
    lastAssistantId: null,
    partTypes: new Map(),
    userMessages: new Set(),
    announced: new Set(),
    finished: new Set(),
    deltas: 0,
  };
}

/** Events that say nothing about a turn's content (server, catalog, file-watcher and bookkeeping noise). */
const QUIET = new Set<string>([
  'server.connected',
  'server.instance.disposed',
  'global.disposed',
  'session.created',
  'session.updated',
  'session.deleted',
  'session.diff',
  'message.removed',
  'message.part.removed',
  'plugin.added',
  'catalog.updated',
  'models-dev.refreshed',
  'reference.updated',
  'integration.updated',
  'integration.connection.updated',
  'installation.updated',
  'installation.update-available',
  'file.edited',
  'file.watcher.updated',
  'project.updated',
  'project.directories.updated',
  'todo.updated',
  'lsp.updated',
  'vcs.branch.updated',
  'command.executed',
  'mcp.tools.changed',
]);

const sys = (id: string, sid: string, subtype: string, text: string, raw: unknown): ProviderMessage => ({
  type: 'system',
  subtype,
  text,
  id,
  providerSessionId: sid,
  raw,
});

function sessionOf(event: Event): string | null {
  const p = (event as { properties?: { sessionID?: unknown; part?: { sessionID?: unknown }; info?: { sessionID?: unknown } } }).properties;
  const id = p?.sessionID ?? p?.part?.sessionID ?? p?.info?.sessionID;
  return typeof id === 'string' ? id : null;
}

/** A readable one-line account of an OpenCode session error. */
export function describeError(error: SessionError): string {
  const data = (error as { data?: { message?: unknown; statusCode?: unknown } }).data;
  const message = typeof data?.message === 'string' && data.message ? data.message : error.name;
  const status = typeof data?.statusCode === 'number' ? ` (${data.statusCode})` : '';
  return `${error.name}${status}: ${message}`;
}

/** Maps one event; `state` carries the turn's state (one per turn stream). */
export function mapOpencodeEvent(event: Event, state: MapperState): ProviderMessage[] {
  const sid = state.sessionId;
  const owner = sessionOf(event);
  if (owner !== sid) return [];
  switch (event.type) {
    case 'message.updated': {
      const info = event.properties.info;
      if (info.role === 'user') {
        state.userMessages.add(info.id);
        return [];
      }
      state.lastAssistantId = info.id;
      if (info.error && info.error.name !== 'MessageAbortedError') state.error ??= info.error;
      return [];
    }
    case 'message.part.updated':
      return mapPart(event.properties.part, state, event);
    case 'message.part.delta': {
      const p = event.properties;
      if (state.userMessages.has(p.messageID) || p.field !== 'text') return [];
      const kind = state.partTypes.get(p.partID);
      if (kind !== 'text' && kind !== 'reasoning') return [];
      state.deltas += 1;
      return [
        {
          type: 'stream_delta',
          kind: kind === 'text' ? 'text' : 'thinking',
          text: p.delta,
          parentId: p.partID,
          id: `${p.partID}:delta:${state.deltas}`,
          providerSessionId: sid,
          raw: event,
        },
      ];
    }
    case 'session.status': {
      const s = event.properties.status;
      if (s.type !== 'retry') return [];
      return [
        sys(
          `${sid}:retry:${s.attempt}:${s.next}`,
          sid,
          'retry',
          `the model request failed (${s.message}); OpenCode retries (attempt ${s.attempt})`,
          event,
        ),
      ];
    }
    case 'session.idle':
      state.idle = true;
      return [];
    case 'session.error': {
      const error = event.properties.error;
      if (!error || error.name === 'MessageAbortedError') return [];
      state.error = error;
      return [sys(`${event.id}`, sid, 'error', describeError(error), event)];
    }
    case 'session.compacted':
      return [sys(event.id, sid, 'compacted', 'the conversation was compacted', event)];
    case 'permission.asked':
      return [
        sys(
          event.id,
          sid,
          'notice',
          `OpenCode asked for permission: ${event.properties.permission} ${event.properties.patterns.join(' ')}`,
          event,
        ),
      ];
    default:
      if (QUIET.has(event.type) || event.type.startsWith('session.next.')) return [];
      return [sys(`${event.type}:${event.id}`, sid, 'unknown', `unrecognized OpenCode event "${event.type}"`, event)];
  }
}

function mapPart(part: Part, state: MapperState, raw: Event): ProviderMessage[] {
  const sid = state.sessionId;
  state.partTypes.set(part.id, part.type);
  if (state.userMessages.has(part.messageID)) return [];
  switch (part.type) {
    case 'text': {
      if (!part.time?.end || part.synthetic || state.finished.has(part.id)) return [];
      state.finished.add(part.id);
      if (part.text.length === 0) return [];
      state.lastText = part.text;
      return [{ type: 'assistant', text: part.text, id: part.id, providerSessionId: sid, raw }];
    }
    case 'reasoning': {
      if (!part.time.end || state.finished.has(part.id)) return [];
      state.finished.add(part.id);
      return part.text.length === 0 ? [] : [{ type: 'assistant_thinking', text: part.text, id: part.id, providerSessionId: sid, raw }];
    }
    case 'tool': {
      const s = part.state;
      if (s.status === 'pending') return [];
      const out: ProviderMessage[] = [];
      if (!state.announced.has(part.callID)) {
        state.announced.add(part.callID);
        out.push({
          type: 'tool_use',
          toolUseId: part.callID,
          name: part.tool,
          input: s.input,
          id: `${part.callID}:use`,
          providerSessionId: sid,
          raw,
        });
      }
      if ((s.status === 'completed' || s.status === 'error') && !state.finished.has(part.callID)) {
        state.finished.add(part.callID);
        const output = s.status === 'completed' ? s.output : s.error;
        out.push({
          type: 'tool_result',
          toolUseId: part.callID,
          output,
          isError: s.status === 'error',
          id: `${part.callID}:result`,
          providerSessionId: sid,
          raw,
        });
      }
      return out;
    }
    case 'step-finish': {
      const t = part.tokens;
      state.usage = {
        inputTokens: state.usage.inputTokens + t.input,
        outputTokens: state.usage.outputTokens + t.output + t.reasoning,
        cacheReadTokens: state.usage.cacheReadTokens + t.cache.read,
        cacheWriteTokens: state.usage.cacheWriteTokens + t.cache.write,
      };
      state.contextTokens = t.input + t.cache.read + t.cache.write + t.output;
      state.costUsd += part.cost;
      return [];
    }
    case 'retry':
      return [sys(part.id, sid, 'retry', `the model request failed; OpenCode retries (attempt ${part.attempt})`, raw)];
    case 'compaction':
      return [sys(part.id, sid, 'compacted', 'the conversation was compacted', raw)];
    case 'subtask':
      return [sys(part.id, sid, 'notice', `sub-agent task: ${part.description}`, raw)];
    case 'step-start':
    case 'snapshot':
    case 'patch':
    case 'file':
    case 'agent':
      return [];
    default: {
      const other: { type?: unknown; id?: unknown } = part satisfies never;
      return [sys(`part:${String(other.id)}`, sid, 'unknown', `unrecognized OpenCode part "${String(other.type)}"`, raw)];
    }
  }
}

/** The closing `result` message of a turn. */
export function resultMessage(
  state: MapperState,
  status: 'success' | 'error' | 'interrupted',
  durationMs: number,
  text?: string,
): ProviderMessage {
  return {
    type: 'result',
    status,
    text: text ?? state.lastText,
    usage: state.usage,
    contextUsage: state.contextTokens === null ? null : { usedTokens: state.contextTokens, windowTokens: null, breakdown: null },
    costUsd: state.costUsd,
    durationMs,
    id: `${state.sessionId}:result:${state.lastAssistantId ?? 'none'}:${status}`,
    providerSessionId: state.sessionId,
    raw: null,
  };
}
