// The orchestration loop with the real Claude Code CLI against the fake
// model. The role prompts are instance overrides (the product's own override
// directory) that carry the fake brain's directives, so each agent does
// exactly what a test needs: signal, do work, or neither.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isLiveRunStatus, type AgentRunDto, type TaskDto } from '@bottega/protocol';
import { directive } from '@bottega/testkit';
import { buildServer } from '../testing/build';
import { EventRecorder, startChatWorld, type ChatWorld } from '../testing/chat-world';
import { processesMatching } from '../testing/processes';

let w: ChatWorld;
beforeAll(buildServer);
beforeEach(async () => {
  w = await startChatWorld();
});
afterEach(async () => w.close());

/** Writes instance prompt overrides: role name → prompt text ({{signalCommand}} is rendered). */
async function prompts(byName: Record<string, string>): Promise<void> {
  const dir = join(w.ctx.home, 'prompts');
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(byName)) await writeFile(join(dir, `${name}.md`), text);
}

const signal = (name: string, reason?: string) => directive.bash(`{{signalCommand}} ${name}${reason ? ` --reason "${reason}"` : ''}`);

async function run(agentType: string, as = w.owner, taskId = w.task.id): Promise<Response> {
  return w.ctx.request('POST', `/api/tasks/${taskId}/agent-runs`, { as, json: { agentType } });
}

async function runs(taskId = w.task.id): Promise<AgentRunDto[]> {
  const res = await w.ctx.request('GET', `/api/tasks/${taskId}/agent-runs`, { as: w.owner });
  return ((await res.json()) as { runs: AgentRunDto[] }).runs.reverse();
}

async function task(taskId = w.task.id): Promise<TaskDto> {
  return ((await (await w.ctx.request('GET', `/api/tasks/${taskId}`, { as: w.owner })).json()) as { task: TaskDto }).task;
}

async function newTask(body: Record<string, unknown>): Promise<TaskDto> {
  const res = await w.ctx.request('POST', `/api/projects/${w.projectId}/tasks`, { as: w.owner, json: body });
  const created = ((await res.json()) as { task: TaskDto }).task;
  await w.ctx.deps.background.drain();
  return created;
}

/** Waits until no run of the tasks is live and the background work has settled. */
async function idle(taskIds = [w.task.id]): Promise<void> {
  for (let i = 0; i < 600; i++) {
    await w.ctx.deps.background.drain();
    const all = (await Promise.all(taskIds.map((id) => runs(id)))).flat();
    if (!all.some((r) => isLiveRunStatus(r.status))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the loop did not settle');
}

/** Sends a signal with `token` straight to the server; the HTTP status. */
async function signalWith(token: string): Promise<number> {
  const res = await fetch(`${w.server.url}/api/signals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ signal: 'workflow-complete' }),
  });
  return res.status;
}

describe('the loop', () => {
  it('stops at the plan gate, then runs implementation ⇄ review, refinement and the PR agent by itself', async () => {
    await prompts({
      planning: `Plan it. ${signal('plan-complete')}`,
      implementation: `Work. ${directive.bash('echo change >> work.txt')}`,
      review: `Review. ${signal('workflow-complete')}`,
      refinement: `Refine. ${directive.say('refined')}`,
      pr: `Open the PR. ${signal('pr-complete')}`,
    });
    expect((await run('planification')).status).toBe(201);
    await idle();
    expect((await runs()).map((r) => [r.agentType, r.status])).toEqual([['planification', 'completed']]);
    expect(await task()).toMatchObject({ planificationComplete: true, status: 'in_progress' });

    expect((await run('implementation')).status).toBe(201);
    await idle();
    expect((await runs()).map((r) => [r.agentType, r.status, r.trigger])).toEqual([
      ['planification', 'completed', 'manual'],
      ['implementation', 'completed', 'manual'],
      ['review', 'completed', 'chain'],
      ['refinement', 'completed', 'chain'],
      ['pr', 'completed', 'chain'],
    ]);
    expect(await task()).toMatchObject({
      workflowComplete: true,
      refinementComplete: true,
      prAgentComplete: true,
      status: 'in_review',
      workflowRunCount: 5,
    });
    const all = await runs();
    expect(new Set(all.map((r) => r.conversationId)).size).toBe(5);
    expect(all.every((r) => r.provider === 'anthropic' && r.model)).toBe(true);
  });

  it('stops on BLOCKED with its reason; a manual run clears the block and carries on', async () => {
    await prompts({
      implementation: `Work. ${directive.say('done')}`,
      review: `Review. ${signal('workflow-blocked', 'needs production credentials')}`,
    });
    const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
    await run('implementation');
    await idle();
    expect(await task()).toMatchObject({ workflowBlocked: true, blockReason: 'needs production credentials' });
    expect(rec.events.some((e) => e.type === 'task.blocked' && e.reason === 'needs production credentials')).toBe(true);
    expect((await runs()).map((r) => r.agentType)).toEqual(['implementation', 'review']);
    await prompts({ review: `Review. ${signal('workflow-complete')}`, refinement: 'Refine.', pr: `PR. ${signal('pr-complete')}` });
    expect((await run('implementation')).status).toBe(201);
    expect((await task()).workflowBlocked).toBe(false);
    await idle();
    expect((await task()).status).toBe('in_review');
    rec.close();
  });

  it('auto-blocks at the iteration cap', async () => {
    w.ctx.deps.config.maxIterations = 3;
    await prompts({ implementation: `Work. ${directive.say('done')}`, review: `Review. ${directive.say('needs work')}` });
    await run('implementation');
    await idle();
    expect((await runs()).map((r) => r.agentType)).toEqual(['implementation', 'review', 'implementation']);
    expect(await task()).toMatchObject({ workflowBlocked: true, blockReason: 'max_iterations' });
    // A manual run resets the counter of an iteration block.
    await prompts({ review: `Review. ${signal('workflow-complete')}`, refinement: 'Refine.', pr: `PR. ${signal('pr-complete')}` });
    await run('review');
    await idle();
    expect(await task()).toMatchObject({ workflowBlocked: false, status: 'in_review' });
  });

  it('a manual run lifting an iteration block starts the count again at 1; one lifting another block counts on', async () => {
    await prompts({ planning: `Plan. ${directive.say('planned')}` });
    const blockAt = async (reason: string, count: number) =>
      w.ctx.deps.db
        .updateTable('tasks')
        .set({ workflow_blocked: 1, block_reason: reason, workflow_run_count: count })
        .where('id', '=', w.task.id)
        .execute();
    // Planning ends at the plan gate: no chained run moves the count after the manual one.
    await blockAt('max_iterations', w.ctx.deps.config.maxIterations);
    expect((await run('planification')).status).toBe(201);
    await idle();
    expect(await task()).toMatchObject({ workflowBlocked: false, blockReason: null, workflowRunCount: 1 });

    await blockAt('needs production credentials', 7);
    expect((await run('planification')).status).toBe(201);
    await idle();
    expect(await task()).toMatchObject({ workflowBlocked: false, blockReason: null, workflowRunCount: 8 });

    expect((await run('planification')).status).toBe(201);
    await idle();
    expect((await task()).workflowRunCount).toBe(9);
    expect((await runs()).map((r) => [r.agentType, r.status])).toEqual([
      ['planification', 'completed'],
      ['planification', 'completed'],
      ['planification', 'completed'],
    ]);
  });

  it('refuses the yolo agent on a normal task and every other agent on a YOLO task, creating nothing', async () => {
    const conversationsOf = async (taskId: number) =>
      (await w.ctx.deps.db.selectFrom('conversations').select('id').where('task_id', '=', taskId).execute()).length;
    const normalBefore = await task();
    const normalConversations = await conversationsOf(w.task.id);
    const refused = await run('yolo');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    expect(await runs()).toEqual([]);
    expect(await conversationsOf(w.task.id)).toBe(normalConversations);
    expect(await task()).toEqual(normalBefore);

    const yolo = await newTask({ title: 'All at once', yoloMode: true });
    const yoloBefore = await task(yolo.id);
    const yoloConversations = await conversationsOf(yolo.id);
    for (const agentType of ['planification', 'implementation', 'review', 'refinement', 'pr']) {
      const res = await run(agentType, w.owner, yolo.id);
      expect(res.status, agentType).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, agentType).toBe('VALIDATION_FAILED');
    }
    expect(await runs(yolo.id)).toEqual([]);
    expect(await conversationsOf(yolo.id)).toBe(yoloConversations);
    expect(await task(yolo.id)).toEqual(yoloBefore);
  });

  it('refuses a second run while one is live, and signals from the wrong role or a forged or spent token', async () => {
    await prompts({ implementation: `Work. ${directive.bash('echo begin; sleep 2.5; echo end')}` });
    const first = await run('implementation');
    expect(first.status).toBe(201);
    expect((await run('implementation')).status).toBe(409);
    const forged = await fetch(`${w.server.url}/api/signals`, {
      method: 'POST',
      headers: { authorization: 'Bearer brt_forged', 'content-type': 'application/json' },
      body: JSON.stringify({ signal: 'pr-complete' }),
    });
    expect(forged.status).toBe(401);
    const noToken = await fetch(`${w.server.url}/api/signals`, {
      method: 'POST',
      headers: { authorization: w.owner.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ signal: 'pr-complete' }),
    });
    expect(noToken.status).toBe(401);
    await w.ctx.request('POST', `/api/conversations/${((await first.json()) as { run: AgentRunDto }).run.conversationId}/stop`, {
      as: w.owner,
    });
    await idle();
    expect((await runs()).map((r) => r.status)).toEqual(['failed']);
  });

  it('a finished run’s token is spent', async () => {
    await prompts({ planning: `Plan. ${directive.bash('printf %s "$BOTTEGA_RUN_TOKEN" > token.txt')} ${signal('plan-complete')}` });
    await run('planification');
    await idle();
    const token = await readFile(join(w.task.worktreePath ?? '', 'token.txt'), 'utf8');
    expect(token).toMatch(/^brt_/);
    const late = await fetch(`${w.server.url}/api/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ signal: 'plan-complete' }),
    });
    expect(late.status).toBe(401);
  });

  it('a transient provider error is resumed within the same run', async () => {
    await prompts({
      implementation: `Work. ${directive.say('done after a hiccup')}`,
      review: `Review. ${signal('workflow-blocked', 'enough')}`,
    });
    // More failures than one CLI process retries: the run resumes its session once.
    w.fake.failNext(529, { count: 3 });
    await run('implementation');
    await idle();
    const all = await runs();
    expect(all.map((r) => [r.agentType, r.status])).toEqual([
      ['implementation', 'completed'],
      ['review', 'completed'],
    ]);
    const transcript = await w.ctx.deps.harness.store.all(all[0]?.conversationId ?? 0);
    expect(transcript.some((m) => m.type === 'system' && m.subtype === 'retry')).toBe(true);
  });

  it('a wrong-role signal is refused with a clear message and a non-zero exit', async () => {
    await prompts({ implementation: `Work. ${signal('pr-complete')}`, review: 'Review.' });
    w.ctx.deps.config.maxIterations = 2;
    await run('implementation');
    await idle();
    const conversationId = (await runs())[0]?.conversationId ?? 0;
    const result = (await w.ctx.deps.harness.store.all(conversationId)).find((m) => m.type === 'tool_result');
    expect(result?.type === 'tool_result' && result.output).toMatch(/refused \(403\): a implementation run may not send pr-complete/);
    expect((await task()).prAgentComplete).toBe(false);
  });

  it('Stop during implementation fails the run, tells open pages, spends its token and chains nothing', async () => {
    await prompts({
      implementation: `Work. ${directive.bash('printf %s "$BOTTEGA_RUN_TOKEN" > token.txt; echo begin; sleep 30.7; echo end')}`,
      review: `Review. ${signal('workflow-complete')}`,
    });
    const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
    const started = ((await (await run('implementation')).json()) as { run: AgentRunDto }).run;
    await rec.waitFor((e) => e.type === 'message' && e.message.type === 'tool_use');
    for (let i = 0; i < 200 && (await processesMatching('sleep 30.7')).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect((await processesMatching('sleep 30.7')).length).toBeGreaterThan(0);
    await w.ctx.request('POST', `/api/conversations/${started.conversationId}/stop`, { as: w.owner });
    expect(await processesMatching('sleep 30.7')).toEqual([]);
    await idle();
    expect((await runs()).map((r) => [r.agentType, r.status, r.failureReason])).toEqual([
      ['implementation', 'failed', 'stopped by the user'],
    ]);
    // The stream told open pages the run's final state, and the run's token signals no more.
    const final = await rec.waitFor(
      (e) => e.type === 'agent-run.updated' && e.run.id === started.id && !isLiveRunStatus(e.run.status),
      5_000,
    );
    expect(final.type === 'agent-run.updated' && [final.run.status, final.run.failureReason]).toEqual(['failed', 'stopped by the user']);
    expect(await signalWith(await readFile(join(w.task.worktreePath ?? '', 'token.txt'), 'utf8'))).toBe(401);
    rec.close();
  });

  it('a non-technical user goes straight from the plan into implementation', async () => {
    await w.ctx.request('PATCH', '/api/auth/profile', { as: w.owner, json: { isTechnical: false } });
    await prompts({
      'planning-nontechnical': `Plan it quietly. ${signal('plan-complete')}`,
      implementation: `Work. ${directive.say('done')}`,
      review: `Review. ${signal('workflow-blocked', 'stop here for the test')}`,
    });
    await run('planification');
    await idle();
    expect((await runs()).map((r) => r.agentType)).toEqual(['planification', 'implementation', 'review']);
  });

  it('a fatal provider error fails the run and chains nothing', async () => {
    await prompts({ implementation: 'Work.', review: `Review. ${signal('workflow-complete')}` });
    w.fake.failNext(400, { count: 10 });
    await run('implementation');
    await idle();
    const all = await runs();
    expect(all.map((r) => [r.agentType, r.status])).toEqual([['implementation', 'failed']]);
    expect(all[0]?.failureReason).toBeTruthy();
  });

  it('a fatal provider error mid-run tells open pages the run failed and spends its token', async () => {
    await prompts({
      implementation: `Work. ${directive.bash('printf %s "$BOTTEGA_RUN_TOKEN" > token.txt; sleep 1.5')}`,
      review: `Review. ${signal('workflow-complete')}`,
    });
    const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
    const started = ((await (await run('implementation')).json()) as { run: AgentRunDto }).run;
    const tokenFile = join(w.task.worktreePath ?? '', 'token.txt');
    // The shell creates the file before printf fills it: wait for its content.
    let token = '';
    for (let i = 0; i < 400 && token === ''; i++) {
      if (existsSync(tokenFile)) token = await readFile(tokenFile, 'utf8');
      if (token === '') await new Promise((r) => setTimeout(r, 25));
    }
    // The agent holds a live token; the model's next answer is a fatal error.
    expect(token).toMatch(/^brt_/);
    w.fake.failNext(400, { count: 10 });
    await idle();
    const final = await rec.waitFor(
      (e) => e.type === 'agent-run.updated' && e.run.id === started.id && !isLiveRunStatus(e.run.status),
      5_000,
    );
    expect(final.type === 'agent-run.updated' && final.run.status).toBe('failed');
    expect((await runs()).map((r) => [r.agentType, r.status])).toEqual([['implementation', 'failed']]);
    expect(await signalWith(token)).toBe(401);
    rec.close();
  });

  it('a YOLO task runs one agent in one conversation to a PR', async () => {
    await prompts({ yolo: `Do it all. ${signal('workflow-complete')} ${signal('pr-complete')}` });
    const yolo = await newTask({ title: 'All at once', yoloMode: true });
    expect((await run('implementation', w.owner, yolo.id)).status).toBe(400);
    expect((await run('yolo', w.owner, yolo.id)).status).toBe(201);
    await idle([yolo.id]);
    const all = await runs(yolo.id);
    expect(all.map((r) => [r.agentType, r.status])).toEqual([['yolo', 'completed']]);
    expect(await task(yolo.id)).toMatchObject({ workflowComplete: true, prAgentComplete: true, status: 'in_review' });
    const conversations = await w.ctx.deps.db.selectFrom('conversations').select('id').where('task_id', '=', yolo.id).execute();
    expect(conversations).toHaveLength(1);
  });

  it('two tasks of one project run their loops side by side without interfering', async () => {
    await prompts({
      implementation: `Work. ${directive.bash('echo "task {{taskId}} on port {{devServerPort}}" > mine.txt')}`,
      review: `Review. ${signal('workflow-blocked', 'done for the test')}`,
    });
    const other = await newTask({ title: 'The other one' });
    expect((await run('implementation')).status).toBe(201);
    expect((await run('implementation', w.owner, other.id)).status).toBe(201);
    await idle([w.task.id, other.id]);
    for (const t of [await task(), await task(other.id)]) {
      expect((await runs(t.id)).map((r) => [r.agentType, r.status])).toEqual([
        ['implementation', 'completed'],
        ['review', 'completed'],
      ]);
      expect(t.blockReason).toBe('done for the test');
      expect(await readFile(join(t.worktreePath ?? '', 'mine.txt'), 'utf8')).toBe(`task ${t.id} on port ${t.devServerPort}\n`);
    }
    expect((await task()).devServerPort).not.toBe((await task(other.id)).devServerPort);
  });

  it('a run interrupted by a restart can be resumed in its session and the loop carries on', async () => {
    await prompts({
      implementation: `Work. ${directive.bash('echo begin; sleep 30.9; echo end')}`,
      review: `Review. ${signal('workflow-blocked', 'resumed fine')}`,
    });
    const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
    const started = ((await (await run('implementation')).json()) as { run: AgentRunDto }).run;
    await rec.waitFor((e) => e.type === 'message' && e.message.type === 'tool_use');
    rec.close();
    await w.restart();
    expect((await runs()).map((r) => [r.agentType, r.status])).toEqual([['implementation', 'interrupted']]);
    const before = w.fake.modelRequests().length;
    const resumed = await w.ctx.request('POST', `/api/agent-runs/${started.id}/resume`, { as: w.owner });
    expect(resumed.status).toBe(200);
    await idle();
    expect((await runs()).map((r) => [r.agentType, r.status])).toEqual([
      ['implementation', 'completed'],
      ['review', 'completed'],
    ]);
    // The resumed turn continued the same session: its first request carries the interrupted history.
    const continued = JSON.stringify(w.fake.modelRequests()[before]?.body ?? {});
    expect(continued).toContain('30.9');
    expect(continued).toContain('The server restarted while you were working');
    expect((await task()).blockReason).toBe('resumed fine');
  });

  it('a run interrupted before its provider session was stored starts afresh from the same prompt in the same conversation', async () => {
    await prompts({ review: `Review. ${signal('workflow-blocked', 'fresh start reviewed')}` });
    // The state a crash leaves when the server died after the run's prompt was written but before the
    // provider named its session: an interrupted run whose conversation has the prompt and no session id.
    const prompt = `Work from the top. ${directive.bash('echo again > again.txt')}`;
    const taskRow = await w.ctx.deps.db.selectFrom('tasks').selectAll().where('id', '=', w.task.id).executeTakeFirstOrThrow();
    const conversation = await w.ctx.conversation(taskRow, {
      kind: 'agent_run',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      effort: 'low',
      title: 'implementation run',
    });
    await w.ctx.deps.harness.store.append(
      conversation.id,
      [{ type: 'user', text: prompt, id: 'prompt:crashed', providerSessionId: null, raw: null }],
      'anthropic',
    );
    const interrupted = await w.ctx.deps.db
      .insertInto('agent_runs')
      .values({
        task_id: w.task.id,
        agent_type: 'implementation',
        status: 'interrupted',
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        effort: 'low',
        conversation_id: conversation.id,
        trigger: 'manual',
        failure_reason: 'the server stopped while this run was active',
        created_at: new Date().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const before = w.fake.modelRequests().length;

    const resumed = await w.ctx.request('POST', `/api/agent-runs/${interrupted.id}/resume`, { as: w.owner });
    expect(resumed.status).toBe(200);
    await idle();
    expect((await runs()).map((r) => [r.agentType, r.status, r.conversationId === conversation.id])).toEqual([
      ['implementation', 'completed', true],
      ['review', 'completed', false],
    ]);
    // A new session, fed the stored prompt as it was (no "continue" message, no earlier history).
    const first = w.fake.modelRequests()[before]?.body as { messages: { role: string; content: unknown }[] };
    expect(first.messages.filter((m) => m.role === 'user')).toHaveLength(1);
    expect(JSON.stringify(first.messages)).toContain('Work from the top.');
    expect(JSON.stringify(first.messages)).not.toContain('The server restarted');
    expect(await readFile(join((await task()).worktreePath ?? '', 'again.txt'), 'utf8')).toBe('again\n');
    const stored = await w.ctx.deps.db
      .selectFrom('conversations')
      .select('provider_session_id')
      .where('id', '=', conversation.id)
      .executeTakeFirstOrThrow();
    expect(stored.provider_session_id).toBeTruthy();
    const transcript = await w.ctx.deps.harness.store.all(conversation.id);
    expect(transcript.filter((m) => m.type === 'user').map((m) => (m.type === 'user' ? m.text : ''))).toEqual([prompt]);
    expect(transcript.some((m) => m.type === 'system' && m.subtype === 'restarted')).toBe(true);
    expect((await task()).blockReason).toBe('fresh start reviewed');
  });

  it('a run whose conversation never got its prompt stored starts afresh with its role prompt in that conversation', async () => {
    await prompts({
      implementation: `Implement it. ${directive.bash('echo rebuilt > rebuilt.txt')}`,
      review: `Review. ${signal('workflow-blocked', 'empty conversation reviewed')}`,
    });
    const taskRow = await w.ctx.deps.db.selectFrom('tasks').selectAll().where('id', '=', w.task.id).executeTakeFirstOrThrow();
    const conversation = await w.ctx.conversation(taskRow, {
      kind: 'agent_run',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      effort: 'low',
    });
    const interrupted = await w.ctx.deps.db
      .insertInto('agent_runs')
      .values({
        task_id: w.task.id,
        agent_type: 'implementation',
        status: 'interrupted',
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        effort: 'low',
        conversation_id: conversation.id,
        trigger: 'manual',
        created_at: new Date().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    expect((await w.ctx.request('POST', `/api/agent-runs/${interrupted.id}/resume`, { as: w.owner })).status).toBe(200);
    await idle();
    expect((await runs()).map((r) => [r.agentType, r.status, r.conversationId === conversation.id])).toEqual([
      ['implementation', 'completed', true],
      ['review', 'completed', false],
    ]);
    const shown = (await w.ctx.deps.harness.store.all(conversation.id)).flatMap((m) => (m.type === 'user' ? [m.text] : []));
    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain('Implement it.');
    expect(await readFile(join((await task()).worktreePath ?? '', 'rebuilt.txt'), 'utf8')).toBe('rebuilt\n');
  });

  it('a resumed PR run gets the same environment as a started one: git identity, GitHub credentials, signal address', async () => {
    const saved = { GH_TOKEN: process.env.GH_TOKEN, GH_HOST: process.env.GH_HOST };
    process.env.GH_TOKEN = 'ghp_resume_env_check';
    process.env.GH_HOST = 'github.resume.test';
    try {
      const dump = (file: string) =>
        directive.bash(`env | grep -E '^(GIT_|GH_|GITHUB_|BOTTEGA_SIGNAL_URL=|NO_PROXY=|no_proxy=)' | sort > ${file}`);
      await prompts({ pr: `Open the PR. ${dump('env-started.txt')}` });
      expect((await run('pr')).status).toBe(201);
      await idle();
      const interrupted = await w.ctx.deps.db
        .insertInto('agent_runs')
        .values({
          task_id: w.task.id,
          agent_type: 'pr',
          status: 'interrupted',
          provider: 'anthropic',
          model: 'claude-sonnet-4-5',
          effort: 'low',
          conversation_id: null,
          trigger: 'manual',
          created_at: new Date().toISOString(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await prompts({ pr: `Open the PR. ${dump('env-resumed.txt')}` });
      expect((await w.ctx.request('POST', `/api/agent-runs/${interrupted.id}/resume`, { as: w.owner })).status).toBe(200);
      await idle();
      expect((await runs()).map((r) => [r.agentType, r.status])).toEqual([
        ['pr', 'completed'],
        ['pr', 'completed'],
      ]);
      const read = async (file: string) => (await readFile(join(w.task.worktreePath ?? '', file), 'utf8')).trim().split('\n');
      const started = await read('env-started.txt');
      expect(started).toEqual(
        expect.arrayContaining([
          'GH_TOKEN=ghp_resume_env_check',
          'GH_HOST=github.resume.test',
          `GIT_AUTHOR_NAME=${w.owner.row.username}`,
          'GIT_CONFIG_VALUE_0=!gh auth git-credential',
        ]),
      );
      expect(started.some((line) => line.startsWith('BOTTEGA_SIGNAL_URL='))).toBe(true);
      expect(await read('env-resumed.txt')).toEqual(started);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('a run interrupted before even its conversation existed starts afresh with its role prompt, on the model stamped on it', async () => {
    await prompts({
      implementation: `Implement it. ${directive.bash('echo built > built.txt')}`,
      review: `Review. ${signal('workflow-blocked', 'rebuilt prompt reviewed')}`,
    });
    const interrupted = await w.ctx.deps.db
      .insertInto('agent_runs')
      .values({
        task_id: w.task.id,
        agent_type: 'implementation',
        status: 'interrupted',
        provider: 'anthropic',
        model: 'claude-opus-4-5',
        effort: 'high',
        conversation_id: null,
        trigger: 'manual',
        created_at: new Date().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const before = w.fake.modelRequests().length;
    const resumed = await w.ctx.request('POST', `/api/agent-runs/${interrupted.id}/resume`, { as: w.owner });
    expect(resumed.status).toBe(200);
    await idle();
    const [implementation, review] = await runs();
    expect([implementation?.status, review?.agentType, review?.status]).toEqual(['completed', 'review', 'completed']);
    expect(implementation?.conversationId).toBeTruthy();
    const first = w.fake.modelRequests()[before]?.body as { model: string; messages: unknown[] };
    expect(first.model).toBe('claude-opus-4-5');
    expect(JSON.stringify(first.messages)).toContain('Implement it.');
    expect(await readFile(join((await task()).worktreePath ?? '', 'built.txt'), 'utf8')).toBe('built\n');
    expect((await task()).blockReason).toBe('rebuilt prompt reviewed');
  });
});
