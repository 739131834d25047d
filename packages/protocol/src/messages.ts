// The unified message: one shape for every provider's transcript (docs/behaviour/harness.md#unified-messages).
// Each provider's mapper is the only code that knows its native shapes; the
// rest of the system — store, WebSocket, web app — sees only these.
import type { ProviderName } from './domain';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** Latest known context-window use of a conversation. */
export interface ContextUsage {
  /** Tokens in the context at the last report. */
  usedTokens: number;
  /** The model's window, when the provider says. */
  windowTokens: number | null;
  /** Per-category breakdown, only where the provider supports it. */
  breakdown: Record<string, number> | null;
}

/** One question of an AskUserQuestion call. */
export interface UserQuestion {
  question: string;
  header: string;
  options: { label: string; description: string }[];
  multiSelect: boolean;
}

interface Base {
  /** Stable id derived from the provider's native ids (re-emits are idempotent). */
  id: string;
  provider: ProviderName;
  providerSessionId: string | null;
  /** Server-assigned order within the conversation (0 until stored). */
  seq: number;
  /** ISO time the server received it. */
  at: string;
  /** The untouched native payload. */
  raw: unknown;
}

/** An image sent with a user message, kept in the task's archive and served by `GET /api/tasks/:taskId/chat-images/:name`. */
export interface StoredImage {
  /** `<sha-256 of the bytes>.<png|jpg|gif|webp>`. */
  name: string;
  mediaType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
}

export type UnifiedMessageBody =
  | {
      type: 'user';
      text: string;
      /** The role prompt an agent run opens with (not words a person typed). */
      instructions?: true;
      /** Images sent with the message. */
      images?: StoredImage[];
    }
  | { type: 'assistant'; text: string }
  | { type: 'assistant_thinking'; text: string }
  | { type: 'tool_use'; toolUseId: string; name: string; input: unknown; question?: UserQuestion[] }
  | { type: 'tool_result'; toolUseId: string; output: string; isError: boolean }
  | { type: 'system'; subtype: string; text: string }
  | {
      type: 'result';
      status: 'success' | 'error' | 'interrupted';
      text: string;
      usage: TokenUsage | null;
      contextUsage: ContextUsage | null;
      /**
       * This turn's cost. Stored: the provider's own figure for the turn (null when
       * it gives none). As served by the API: the one cost rule's answer
       * (protocol `cost.ts`) — null when the model has no price.
       */
      costUsd: number | null;
      /**
       * The provider's running total for its whole session, when it reports that
       * rather than the turn's figure (Claude Code); the harness stores the turn's
       * share of it as `costUsd`.
       */
      runningCostUsd?: number | null;
      durationMs: number | null;
    }
  | { type: 'stream_delta'; kind: 'text' | 'thinking'; text: string; parentId: string };

export type UnifiedMessage = Base & UnifiedMessageBody;
export type UnifiedMessageType = UnifiedMessage['type'];
