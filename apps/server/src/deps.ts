// The explicit dependency bag handed to routes and commands. Functions take a
// Pick<> of what they need; there are no module-level singletons.
import type { Config } from './config';
import type { Db } from './db/open';
import type { Dialect } from './db/ddl';
import type { EventBus } from './events/bus';
import type { Logger } from './logger';
import type { BackgroundWork } from './background';
import type { Realtime } from './events/realtime';
import type { HarnessRuntime } from './harness/runtime';
import type { ProviderRegistry } from './harness/registry';
import type { Sandbox } from './sandbox/sandbox';
import type { ProjectClones } from './forge/clone-registry';
import type { RunLine } from './scheduler/run-line';
import type { NodeIdentity } from './cluster/node';
import type { NodeRegistry } from './cluster/registry';
import type { TurnControls } from './cluster/turn-controls';
import type { AgentType } from '@bottega/protocol';
import type { AgentRunRow } from './db/schema';
import type { WarmTurn } from './harness/contract';

export interface Deps {
  config: Config;
  db: Db;
  dialect: Dialect;
  logger: Logger;
  bus: EventBus;
  /** Secret that signs login credentials (configured or generated at boot). */
  sessionSecret: string;
  /** Work that continues after a response (dependency copies); awaited on shutdown. */
  background: BackgroundWork;
  /** Control over live WebSocket connections (revalidate, disconnect). */
  realtime: Realtime;
  /** Where agent processes run confined (docs/behaviour/sandbox.md#modes), and its state for Admin → Instance. */
  sandbox: Sandbox;
  /** The coding-agent providers registered at boot; each owns its own services (sign-in flows, the demo model). */
  providers: ProviderRegistry;
  /** Runs turns: start, resume, stop, answer (docs/behaviour/harness.md#runtime). */
  harness: HarnessRuntime;
  /** Next runs' processes started ahead of them (docs/behaviour/loop.md#warm-hand-off). */
  warm: WarmHandoff;
  /** Gives agent runs and chat turns their run slots (docs/behaviour/capacity.md). */
  scheduler: RunLine;
  /** Repository clones by URL running in this process (progress, stop). */
  clones: ProjectClones;
  /** This process in the deployment: its id and role (docs/deploy/cluster.md). */
  node: NodeIdentity;
  /** The deployment's nodes: this one's heartbeat, the live ones, the dead ones' expiry. */
  nodes: NodeRegistry;
  /** Stop and answers for a turn on whichever node runs it (docs/decisions/0015-events-across-nodes.md). */
  turns: TurnControls;
  now: () => Date;
  /** Where this server listens (set when it starts listening); agents signal there. */
  address: { url: string | null; /** Resolves once `url` is set (the server listens). */ readonly listening: Promise<void> };
}

/** Next runs' processes started ahead of them (engine/warm-starts.ts, docs/behaviour/loop.md#warm-hand-off). */
export interface WarmHandoff {
  /** The run's next step may be known (it began, or it signalled): its process is prepared, or the one prepared kept. */
  consider(run: Pick<AgentRunRow, 'id' | 'task_id'>): Promise<void>;
  /** `consider`, once the run's turn in that conversation has the model's first reply (its CLI has started). */
  considerAfterFirstReply(run: Pick<AgentRunRow, 'id' | 'task_id'>, conversationId: number): void;
  /** At a queued run's dispatch: the process prepared for it (and the signal token it was started with), if it still fits. */
  take(run: AgentRunRow): Promise<{ token: string; warm: WarmTurn } | null>;
  /** The run `runId` ended and its completion is done: the process waits for the run that follows, or goes. */
  settle(runId: number, taskId: number): Promise<void>;
  /** The processes waiting now. */
  held(): { taskId: number; afterRunId: number; agentType: AgentType; pid: number | null }[];
  /** Shutdown: every waiting process ends. */
  close(): Promise<void>;
}
