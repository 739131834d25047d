// Warm hand-off (docs/behaviour/loop.md#warm-hand-off). While a run is under way the loop's next
// step is already decided by the task's flags as they stand (an implementation is followed by its
// review; a review by another implementation unless its verdict says otherwise), and decided again
// at each signal the run sends. For that step this node prepares the next run's provider process
// ahead — same sandbox, environment, model and signal credentials it will run with — so that the
// hand-off does not wait for the CLI to start. The queued run that follows takes it at its
// dispatch; anything else (another role, another model, its agent instructions edited, Stop, a
// run that does not follow) discards it, and that run starts cold. Warm processes are bounded per
// node and only prepared while memory allows.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentType, ProviderName, ServerEvent } from '@bottega/protocol';
import type { AgentRunRow } from '../db/schema';
import type { Deps, WarmHandoff } from '../deps';
import type { WarmTurn } from '../harness/contract';
import { turnShapeOf } from '../harness/runtime';
import { availableMemoryMb } from '../scheduler/machine';
import { decideNextStep } from './completion';
import { resolveRoleModel } from './role-model';
import { loadScope } from './run-starter';
import { newRunToken } from './signal-command';
import { runTurnSetup } from './turn-setup';

/** The agent instruction files a harness may read from the worktree at its start. */
export const INSTRUCTION_FILES = ['CLAUDE.md', 'CLAUDE.local.md', join('.claude', 'CLAUDE.md'), 'AGENTS.md'] as const;

/** What an idle Claude Code process holds, as room asked for beyond the memory threshold. */
const WARM_PROCESS_MB = 256;

/** How long a warm process waits for its run once the run before it ended (it waits for a slot). */
export const WARM_WAIT_MS = 60_000;

/** The file's contents, or null when it cannot be read (absent). */
function contents(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

/**
 * The contents of the worktree's agent instructions, as one digest (a missing file counts too).
 * Read synchronously: a handful of small files, on the hand-off's path, where asynchronous reads
 * would wait behind whatever else fills the file thread pool.
 */
export function instructionsDigest(cwd: string): string {
  const hash = createHash('sha256');
  for (const name of INSTRUCTION_FILES) {
    const text = contents(join(cwd, name));
    hash.update(`${name}\0${text === null ? '-' : createHash('sha256').update(text).digest('hex')}\0`);
  }
  return hash.digest('hex');
}

interface Prepared {
  /** The run it follows. */
  afterRunId: number;
  agentType: AgentType;
  provider: ProviderName;
  model: string;
  effort: string | null;
  /** The signal token the run will get (its hash is stored on the run at dispatch). */
  token: string;
  cwd: string;
  instructions: string;
  warm: WarmTurn;
  expiry: NodeJS.Timeout | null;
}

/** A warm process handed to the run it was prepared for. */
export interface WarmTaken {
  token: string;
  warm: WarmTurn;
}

export class WarmStarts implements WarmHandoff {
  private readonly byTask = new Map<number, Prepared>();
  /** Per task, the look in progress (looks at one task run one after another). */
  private readonly looking = new Map<number, Promise<void>>();
  private closed = false;
  /** Preparations under way (not yet held). */
  private preparing = 0;
  /** Runs whose next step is prepared once their turn has the model's first reply, by conversation. */
  private readonly awaitingReply = new Map<number, Pick<AgentRunRow, 'id' | 'task_id'>>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: () => Deps) {}

  /** Warm processes held now (bounded by `BOTTEGA_WARM_STARTS`). */
  get size(): number {
    return this.byTask.size;
  }

  /** The processes held now: for which task, which role, after which run, and their process. */
  held(): { taskId: number; afterRunId: number; agentType: AgentType; pid: number | null }[] {
    return [...this.byTask.entries()].map(([taskId, p]) => ({ taskId, afterRunId: p.afterRunId, agentType: p.agentType, pid: p.warm.pid }));
  }

  /** The run's next step may be known (it began, or it signalled): prepare its process, or keep the one prepared. */
  consider(run: Pick<AgentRunRow, 'id' | 'task_id'>): Promise<void> {
    return this.serially(run.task_id, () => this.prepareAfter(run.id));
  }

  /**
   * `consider`, once the run's turn in `conversationId` has the model's first reply: a process
   * started earlier would compete for the processor with the run's own CLI while that starts and
   * sends its first request (the hand-off that just happened).
   */
  considerAfterFirstReply(run: Pick<AgentRunRow, 'id' | 'task_id'>, conversationId: number): void {
    this.unsubscribe ??= this.deps().bus.subscribe((e) => this.onEvent(e));
    this.awaitingReply.set(conversationId, run);
  }

  private onEvent(e: ServerEvent): void {
    if (e.type !== 'message' && e.type !== 'streaming.ended') return;
    const run = this.awaitingReply.get(e.conversationId);
    if (!run) return;
    if (e.type === 'message' && (e.message.type === 'user' || e.message.type === 'system')) return;
    this.awaitingReply.delete(e.conversationId);
    if (e.type === 'message') this.deps().background.track(`prepare the run after run ${run.id}`, this.consider(run));
  }

  /**
   * At a queued run's dispatch: the process prepared for it when it still fits (same role, model,
   * and agent instructions); null otherwise, the process discarded. The run then starts cold.
   */
  async take(run: AgentRunRow): Promise<WarmTaken | null> {
    await this.looking.get(run.task_id);
    const p = this.byTask.get(run.task_id);
    if (!p) return null;
    this.forget(run.task_id, p);
    const reason =
      run.conversation_id !== null
        ? 'the run goes on in its own session'
        : p.agentType !== run.agent_type
          ? `the run is a ${run.agent_type} run`
          : p.provider !== run.provider || p.model !== run.model || p.effort !== run.effort
            ? 'the run uses another model'
            : instructionsDigest(p.cwd) !== p.instructions
              ? 'the agent instructions changed'
              : null;
    if (reason === null) return { token: p.token, warm: p.warm };
    this.deps().background.track(`discard the warm process of task ${run.task_id}`, this.discardPrepared(run.task_id, p, reason));
    return null;
  }

  /**
   * The run it follows has ended and its completion is done: a process whose run was queued waits
   * for it a while (the run may wait for a slot); otherwise the step did not start and it goes.
   * Runs behind the hand-off: a run that took the process already leaves nothing to settle.
   */
  settle(runId: number, taskId: number): Promise<void> {
    return this.serially(taskId, async () => {
      const p = this.byTask.get(taskId);
      if (!p || p.afterRunId !== runId) return;
      const next = await this.deps()
        .db.selectFrom('agent_runs')
        .select('id')
        .where('task_id', '=', taskId)
        .where('id', '>', runId)
        .where('status', 'in', ['queued', 'running'])
        .where('agent_type', '=', p.agentType)
        .executeTakeFirst();
      if (!next) return this.discardPrepared(taskId, p, 'the next step did not start');
      p.expiry = setTimeout(() => {
        if (this.byTask.get(taskId) === p)
          this.deps().background.track(
            `discard the warm process of task ${taskId}`,
            this.discardPrepared(taskId, p, 'its run waited too long for a slot'),
          );
      }, WARM_WAIT_MS);
      p.expiry.unref();
    });
  }

  /** Server shutdown: every warm process ends. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    this.awaitingReply.clear();
    await Promise.all([...this.looking.values()]);
    await Promise.all([...this.byTask.entries()].map(([taskId, p]) => this.discardPrepared(taskId, p, 'the server stops')));
  }

  private serially(taskId: number, body: () => Promise<void>): Promise<void> {
    const before = this.looking.get(taskId) ?? Promise.resolve();
    const look = before
      .then(body)
      .catch((err: unknown) => this.deps().logger.warn({ err, taskId }, 'preparing the next run ahead failed; it will start cold'))
      .finally(() => {
        if (this.looking.get(taskId) === look) this.looking.delete(taskId);
      });
    this.looking.set(taskId, look);
    return look;
  }

  private async prepareAfter(runId: number): Promise<void> {
    const deps = this.deps();
    const run = await deps.db.selectFrom('agent_runs').selectAll().where('id', '=', runId).executeTakeFirst();
    if (!run) return;
    const held = this.byTask.get(run.task_id);
    if (run.status !== 'running' || run.started_by === null || this.closed) {
      if (held?.afterRunId === run.id && run.status !== 'completed') await this.discardPrepared(run.task_id, held, 'its run ended');
      return;
    }
    const { task, project } = await loadScope(deps, run.task_id);
    const step = await decideNextStep(deps, run, task);
    const agentType = step?.kind === 'start' ? step.agentType : null;
    if (held && held.afterRunId === run.id && held.agentType === agentType) return;
    if (held) await this.discardPrepared(run.task_id, held, 'the next step changed');
    if (agentType === null || deps.config.warmStarts === 0 || this.byTask.size + this.preparing >= deps.config.warmStarts) return;
    if (deps.config.minFreeMemoryMb > 0 && availableMemoryMb() < deps.config.minFreeMemoryMb + WARM_PROCESS_MB) return;
    // Counted from here on, so that looks at several tasks at once stay within the bound.
    this.preparing += 1;
    try {
      const model = await resolveRoleModel(deps, run.started_by, agentType);
      const provider = deps.providers.get(model.provider);
      if (!provider.prepareTurn) return;
      const { token } = newRunToken();
      const turn = await runTurnSetup(deps, { project, task, agentType, actingUserId: run.started_by, provider: model.provider, token });
      const instructions = instructionsDigest(turn.setup.cwd);
      const warm = provider.prepareTurn(turnShapeOf(turn.setup, turn.env, model.model, model.effort));
      if (this.closed) return await warm.discard();
      this.byTask.set(run.task_id, {
        afterRunId: run.id,
        agentType,
        provider: model.provider,
        model: model.model,
        effort: model.effort,
        token,
        cwd: turn.setup.cwd,
        instructions,
        warm,
        expiry: null,
      });
      deps.logger.debug({ taskId: run.task_id, afterRunId: run.id, agentType }, 'the next run’s process is starting ahead');
    } finally {
      this.preparing -= 1;
    }
  }

  private forget(taskId: number, p: Prepared): void {
    if (p.expiry) clearTimeout(p.expiry);
    if (this.byTask.get(taskId) === p) this.byTask.delete(taskId);
  }

  private async discardPrepared(taskId: number, p: Prepared, reason: string): Promise<void> {
    this.forget(taskId, p);
    this.deps().logger.debug({ taskId, afterRunId: p.afterRunId, agentType: p.agentType, reason }, 'a warm process was discarded');
    await p.warm.discard();
  }
}
