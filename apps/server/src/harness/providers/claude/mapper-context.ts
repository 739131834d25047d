// The little state the Claude mapper keeps within one turn: which content
// block of an API message each SDK message carries (the SDK emits one message
// per block, all with the same `message.id`), and the last model call's usage.
import { createHash } from 'node:crypto';

export interface CallUsage {
  model: string | null;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface MapperContext {
  /** Blocks seen so far per API message id. */
  readonly blockCount: Map<string, number>;
  /** Block index given to each SDK message uuid (re-emits get the same one). */
  readonly indexByUuid: Map<string, number>;
  /** Index of the latest `content_block_start` per API message (partial messages only). */
  readonly pendingStart: Map<string, number>;
  /** The latest API message id seen in the stream (deltas do not name it). */
  currentMessageId: string | null;
  /** Usage of the last model call, for the context-window figure. */
  lastCall: CallUsage | null;
}

export function createMapperContext(): MapperContext {
  return {
    blockCount: new Map(),
    indexByUuid: new Map(),
    pendingStart: new Map(),
    currentMessageId: null,
    lastCall: null,
  };
}

/**
 * The block index of an assistant SDK message within its API message: the
 * index announced by the stream when partial messages are on, else the count
 * of blocks seen so far. Stable for a re-emitted message (same uuid).
 */
export function blockIndexFor(ctx: MapperContext, messageId: string, uuid: string): number {
  const known = ctx.indexByUuid.get(uuid);
  if (known !== undefined) return known;
  const count = ctx.blockCount.get(messageId) ?? 0;
  const announced = ctx.pendingStart.get(messageId);
  const index = announced !== undefined && announced >= count ? announced : count;
  ctx.pendingStart.delete(messageId);
  ctx.blockCount.set(messageId, index + 1);
  ctx.indexByUuid.set(uuid, index);
  return index;
}

/** A stable id for a message that carries no native id at all. */
export function contentId(prefix: string, value: unknown): string {
  return `${prefix}:${createHash('sha256')
    .update(JSON.stringify(value) ?? '')
    .digest('hex')
    .slice(0, 24)}`;
}
