// Warm hand-off (docs/behaviour/loop.md#warm-hand-off) with the real Claude Code CLI against the
// fake model: the next run's process starts while the current run works and serves that run; a
// verdict that changes the next role, agent instructions edited by the previous run, and Stop
// each end the prepared process (none is left) and the right run starts without it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { isLiveRunStatus, type AgentRunDto, type ServerEvent } from '@bottega/protocol';
import { directive } from '@bottega/testkit';
import { buildServer } from '../testing/build';
import { startChatWorld, type ChatWorld } from '../testing/chat-world';

let w: ChatWorld;
/** The process serving each conversation's turn, as seen while it ran. */
const servedBy = new Map<number, number>();
/** The live Claude Code processes of this world when each implementation run completed. */
const aliveAtEnd = new Map<number, Set<number>>();
let unsubscribe: () => void = () => undefined;
let watching: NodeJS.Timeout | null = null;

beforeAll(buildServer);
beforeEach(async () => {
  servedBy.clear();
  aliveAtEnd.clear();
  w = await startChatWorld({ config: { warmStarts: 2 } });
  unsubscribe = w.ctx.deps.bus.subscribe((e: ServerEvent) => {
    if (e.type === 'agent-run.updated' && e.run.status === 'completed' && e.run.agentType === 'implementation')
      aliveAtEnd.set(e.run.id, alivePids());
  });
  // The pid of every live turn, looked at often (a turn's process is known once it has spawned).
  watching = setInterval(() => {
    for (const id of liveConversations()) {
      const pid = w.ctx.deps.harness.pidOf(id);
      if (pid !== null && !servedBy.has(id)) servedBy.set(id, pid);
    }
  }, 10);
});
afterEach(async () => {
  if (watching) clearInterval(watching);
  unsubscribe();
  await w.close();
});

let conversationIds: number[] = [];
function liveConversations(): number[] {
  return conversationIds;
}

/** This world's agent processes now: the runs' own and those held ahead. */
function alivePids(): Set<number> {
  const pids = new Set<number>();
  for (const id of conversationIds) {
    const pid = w.ctx.deps.harness.pidOf(id);
    if (pid !== null) pids.add(pid);
  }
  for (const h of w.ctx.deps.warm.held()) if (h.pid !== null) pids.add(h.pid);
  return pids;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function prompts(byName: Record<string, string>): Promise<void> {
  const dir = join(w.ctx.home, 'prompts');
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(byName)) await writeFile(join(dir, `${name}.md`), text);
}

const signal = (name: string) => directive.bash(`{{signalCommand}} ${name}${name === 'workflow-blocked' ? ' --reason "reviewed"' : ''}`);

async function runs(): Promise<AgentRunDto[]> {
  const res = await w.ctx.request('GET', `/api/tasks/${w.task.id}/agent-runs`, { as: w.owner });
  const list = ((await res.json()) as { runs: AgentRunDto[] }).runs.reverse();
  conversationIds = list.flatMap((r) => (r.conversationId === null ? [] : [r.conversationId]));
  return list;
}

async function start(agentType: string): Promise<AgentRunDto> {
  const res = await w.ctx.request('POST', `/api/tasks/${w.task.id}/agent-runs`, { as: w.owner, json: { agentType } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { run: AgentRunDto }).run;
}

/** Polls the runs (keeping the conversations watched) until `done` holds. */
async function until(done: (list: AgentRunDto[]) => boolean, what: string): Promise<AgentRunDto[]> {
  for (let i = 0; i < 1200; i++) {
    const list = await runs();
    if (done(list)) return list;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const settled = (list: AgentRunDto[]) => list.length > 0 && !list.some((r) => isLiveRunStatus(r.status));

/** The process held ahead for `agentType`, once it has spawned. */
async function heldProcess(agentType: string): Promise<number> {
  for (let i = 0; i < 1200; i++) {
    await runs();
    const held = w.ctx.deps.warm.held().find((h) => h.agentType === agentType && h.pid !== null);
    if (held?.pid) return held.pid;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no ${agentType} process was prepared ahead`);
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 400 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 25));
  return !isAlive(pid);
}

it('serves the review with the process started while the implementation worked', async () => {
  await prompts({
    implementation: `Work. ${directive.bash('sleep 2; echo change >> work.txt')}`,
    review: `Review. ${directive.bash('sleep 1')} ${signal('workflow-blocked')}`,
  });
  const impl = await start('implementation');
  const prepared = await heldProcess('review');
  const list = await until((l) => l.length === 2 && settled(l), 'the loop to settle');
  expect(list.map((r) => [r.agentType, r.status])).toEqual([
    ['implementation', 'completed'],
    ['review', 'completed'],
  ]);
  const review = list[1]!;
  // The review's process is the one prepared ahead, alive before the implementation ended.
  expect(servedBy.get(review.conversationId!)).toBe(prepared);
  expect(aliveAtEnd.get(impl.id)?.has(prepared)).toBe(true);
  expect(servedBy.get(list[0]!.conversationId!)).not.toBe(prepared);
  // The review blocked the task (its signal was taken, with the credentials the process was started with):
  // nothing is prepared after it, nothing is left.
  const task = await w.ctx.request('GET', `/api/tasks/${w.task.id}`, { as: w.owner });
  expect(((await task.json()) as { task: { workflowBlocked: boolean } }).task.workflowBlocked).toBe(true);
  await w.ctx.deps.background.drain();
  expect(w.ctx.deps.warm.held()).toEqual([]);
  expect(await gone(prepared)).toBe(true);
});

it('discards the prepared implementation when the reviewer’s verdict calls for refinement', async () => {
  await prompts({
    implementation: `Work. ${directive.bash('echo change >> work.txt')}`,
    review: `Review. ${directive.bash('sleep 2')} ${signal('workflow-complete')}`,
    refinement: `Refine. ${directive.say('refined')}`,
    pr: `Open the PR. ${directive.say('not now')}`,
  });
  await start('implementation');
  await until((l) => l.some((r) => r.agentType === 'review' && r.status === 'running'), 'the review');
  const implementationAhead = await heldProcess('implementation');
  const list = await until((l) => settled(l) && l.some((r) => r.agentType === 'pr'), 'the PR run');
  expect(list.map((r) => r.agentType)).toEqual(['implementation', 'review', 'refinement', 'pr']);
  expect(list.every((r) => r.status === 'completed')).toBe(true);
  // The refinement did not get the process prepared for an implementation; that process is gone.
  expect(servedBy.get(list[2]!.conversationId!)).not.toBe(implementationAhead);
  expect(await gone(implementationAhead)).toBe(true);
});

it('starts the review without the prepared process when the implementation edited CLAUDE.md', async () => {
  await prompts({
    implementation: `Work. ${directive.bash('sleep 2; printf "# House rules\\n" > CLAUDE.md')}`,
    review: `Review. ${signal('workflow-blocked')}`,
  });
  await start('implementation');
  const prepared = await heldProcess('review');
  const list = await until((l) => l.length === 2 && settled(l), 'the loop to settle');
  expect(list.map((r) => [r.agentType, r.status])).toEqual([
    ['implementation', 'completed'],
    ['review', 'completed'],
  ]);
  expect(servedBy.get(list[1]!.conversationId!)).toBeDefined();
  expect(servedBy.get(list[1]!.conversationId!)).not.toBe(prepared);
  expect(await gone(prepared)).toBe(true);
});

it('ends the prepared process when the user presses Stop; the review started afterwards starts afresh', async () => {
  await prompts({
    // Not a leading sleep: Claude Code refuses a command that starts with a sleep of 25 s or more.
    implementation: `Work. ${directive.bash('echo working; sleep 300')}`,
    review: `Review. ${signal('workflow-blocked')}`,
  });
  const impl = await start('implementation');
  // Prepared once the implementation's agent has replied: the implementation is at work in its command.
  const prepared = await heldProcess('review');
  const [working] = await runs();
  expect(working).toMatchObject({ id: impl.id, status: 'running' });
  const stop = await w.ctx.request('POST', `/api/conversations/${working!.conversationId}/stop`, { as: w.owner });
  expect(stop.status).toBe(200);
  const stopped = await until(settled, 'the stop');
  expect(stopped.map((r) => [r.id, r.status])).toEqual([[impl.id, 'failed']]);
  expect(await gone(prepared)).toBe(true);
  await w.ctx.deps.background.drain();
  expect(w.ctx.deps.warm.held()).toEqual([]);
  // A review started by hand now runs in a process of its own.
  await start('review');
  const after = await until((l) => l.length === 2 && settled(l), 'the review');
  expect(after[1]).toMatchObject({ agentType: 'review', status: 'completed' });
  expect(servedBy.get(after[1]!.conversationId!)).toBeDefined();
  expect(servedBy.get(after[1]!.conversationId!)).not.toBe(prepared);
});
