// Capacity (docs/behaviour/capacity.md): every agent run and chat turn takes one of the server's
// run slots. A run that cannot start yet is `queued` (with its place and the reason); a run whose
// subscription hit its usage limit is `waiting_for_quota` until the vendor's reset time. The
// administrator sees the whole picture and sets the per-user limit.
import { z } from 'zod';
import type { AgentType, RunStatus } from './domain';

/**
 * Why a queued run has not started: the server is full (`global_limit`), its user already runs
 * as many as they may (`user_limit`), its user's subscription waits for its reset (`quota`), or
 * the machine is short of memory (`memory`).
 */
export const queueReasons = ['global_limit', 'user_limit', 'quota', 'memory'] as const;
export const QueueReason = z.enum(queueReasons);
export type QueueReason = z.infer<typeof QueueReason>;

/** How each reason is said to people ("Waiting: …"). */
export const queueReasonLabels: Record<QueueReason, string> = {
  global_limit: 'the server is running as many agents as it may',
  user_limit: 'you already have as many agents running as you may',
  quota: 'the provider’s usage limit resets',
  memory: 'the server is short of memory',
};

/** A queued or waiting run's place: 1 is next to start. */
export interface RunQueueDto {
  /** Place among everything waiting to start (1 = next); null while the run waits for its quota. */
  position: number | null;
  reason: QueueReason;
  /** When a run waiting for its quota resumes (ISO time); null otherwise. */
  resumeAt: string | null;
}

/** The largest per-user and global limits accepted. */
export const RUN_LIMIT_MAX = 256;

/** PUT /api/admin/capacity: the per-user limit (the global one comes from configuration). */
export const PutCapacityBody = z.object({ perUserLimit: z.number().int().min(1).max(RUN_LIMIT_MAX) }).strict();
export type PutCapacityBody = z.infer<typeof PutCapacityBody>;

/** One user's share of the server right now. */
export interface CapacityUserDto {
  userId: number;
  username: string;
  /** Agent runs running now. */
  running: number;
  /** Chat turns running now. */
  chatting: number;
  queued: number;
  waitingForQuota: number;
}

/** A run that is running, queued or waiting, for the Admin view. */
export interface CapacityRunDto {
  runId: number;
  taskId: number;
  projectId: number;
  taskTitle: string;
  userId: number | null;
  username: string | null;
  agentType: AgentType;
  status: RunStatus;
  queue: RunQueueDto | null;
  /** When it was queued (or started, for a running one). */
  since: string;
}

export interface CapacityDto {
  /** How many runs and chat turns may run at once on this server (in a cluster: agent runs across its nodes). */
  maxRunning: number;
  /**
   * Where that figure comes from: BOTTEGA_MAX_RUNNING, derived from the machine's cores and memory,
   * or (a cluster on PostgreSQL without BOTTEGA_MAX_RUNNING) the sum of the live agent nodes' slots.
   */
  maxRunningSource: 'config' | 'machine' | 'cluster';
  /** How many one user may run at once (administrators edit it). */
  perUserLimit: number;
  memory: {
    /** Memory the machine has available now, in MiB. */
    availableMb: number;
    /** Below this, new runs wait (BOTTEGA_MIN_FREE_MEMORY_MB). */
    thresholdMb: number;
    /** True while new runs wait for memory. */
    shedding: boolean;
  };
  running: number;
  queued: number;
  waitingForQuota: number;
  users: CapacityUserDto[];
  /** Running runs first, then queued ones in the order they will start, then those waiting for their quota. */
  runs: CapacityRunDto[];
}

export interface CapacityResponse {
  capacity: CapacityDto;
}

/** "3rd in line" style wording for a queued run's place. */
export function queuePlaceText(queue: RunQueueDto, formatTime: (iso: string) => string = (iso) => iso): string {
  if (queue.reason === 'quota' && queue.resumeAt) return `Waiting for the usage limit to reset at ${formatTime(queue.resumeAt)}`;
  const place = queue.position === null ? 'Queued' : queue.position === 1 ? 'Next to start' : `Queued · ${queue.position} in line`;
  return `${place} — ${queueReasonLabels[queue.reason]}`;
}
