// What the engine, the routes and the harness ask of the run line (docs/behaviour/capacity.md):
// runs join it, leave it or wait for their quota; chat turns ask it for a slot. One process
// (SQLite, or one node) answers from its own RunScheduler; on PostgreSQL with several nodes the
// ClusterLine answers, the policy deciding on the leader and runs travelling as jobs
// (docs/decisions/0014-job-engine.md).
import type { CapacityDto, RunQueueDto } from '@bottega/protocol';
import type { AgentRunRow } from '../db/schema';
import type { TurnGate } from '../harness/runtime';

export type QueuedRun = Pick<AgentRunRow, 'id' | 'task_id' | 'started_by' | 'provider' | 'queue_priority'>;

export type LineFigures = Omit<CapacityDto, 'users' | 'runs'> & { usersHolding: Map<number, { running: number; chatting: number }> };

export interface RunLine extends TurnGate {
  /** Slots this node gives agent runs (its row in the node registry). */
  readonly maxRunning: number;
  /** At boot, after recovery: the line is read back from the database. */
  restore(): Promise<void>;
  /** A `queued` run joins the line; resolves once it started when a slot was free at once. */
  enqueue(run: QueuedRun, projectId: number): Promise<void>;
  /** A queued or waiting run was cancelled. */
  forget(runId: number): void;
  /** A run waits for its provider's usage limit to reset (its row is already `waiting_for_quota`). */
  park(run: Pick<AgentRunRow, 'id' | 'started_by' | 'provider'>, resetAt: Date): void;
  /** A queued run's place and why it waits; null when this node does not know it as queued. */
  placeOf(runId: number): RunQueueDto | null;
  setPerUserLimit(limit: number): Promise<void>;
  figures(): Promise<LineFigures>;
  /** Slots taken now by what this node decides (its runs, or the cluster's when it leads, and its chat turns). */
  readonly held: number;
  /** Nothing more starts (shutdown, or this node was declared dead). */
  stop(): void;
  /** After the node's turns have ended: the line's own connections and workers are let go. */
  close(): Promise<void>;
}
