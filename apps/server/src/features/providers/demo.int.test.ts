// The offline demo: on a fresh instance with no model credentials, the
// onboarding sample project runs a whole pipeline on the simulated model
// (the testkit's brain behind the real Claude Code CLI), labelled simulated.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { isLiveRunStatus, type AgentRunDto, type TaskDto } from '@bottega/protocol';
import { onboard } from '../../app/cli/onboard';
import { newSessionToken } from '../auth/authenticate';
import { startServer, type RunningServer } from '../../app/server';
import { buildServer } from '../../testing/build';
import { createTestContext, type TestContext } from '../../testing/context';

let ctx: TestContext;
let server: RunningServer;
beforeAll(buildServer);
beforeEach(async () => {
  ctx = await createTestContext({ depsCopy: 'off' });
  server = await startServer(ctx.deps, { host: '127.0.0.1', port: 0 });
});
afterEach(async () => {
  await server.close();
  await ctx.close();
});

it('runs the sample task from plan to the PR stage on the simulated model', async () => {
  const result = await onboard(ctx.deps, { username: 'admin', password: 'demo-password-1' });
  await ctx.deps.background.drain();
  const admin = await ctx.deps.db.selectFrom('users').selectAll().where('username', '=', 'admin').executeTakeFirstOrThrow();
  const as = `Bearer ${newSessionToken(ctx.deps, admin)}`;
  const taskId = result.task?.id ?? 0;
  const api = async <T>(method: string, path: string, json?: unknown): Promise<T> =>
    (await ctx.request(method, path, { as, ...(json === undefined ? {} : { json }) })).json() as Promise<T>;
  const settle = async (): Promise<AgentRunDto[]> => {
    for (let i = 0; i < 1200; i++) {
      await ctx.deps.background.drain();
      const runs = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${taskId}/agent-runs`)).runs;
      if (!runs.some((r) => isLiveRunStatus(r.status))) return runs.reverse();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the demo did not settle');
  };

  // Without credentials nothing can start; the simulated model is one click away.
  expect((await ctx.request('POST', `/api/tasks/${taskId}/agent-runs`, { as, json: { agentType: 'planification' } })).status).toBe(403);
  expect(await api('POST', '/api/providers/anthropic/simulated')).toMatchObject({ connected: true, simulated: true });
  const settings = await api<{ settings: Record<string, { model: string }> }>('GET', '/api/agent-settings');
  expect(Object.values(settings.settings).every((s) => s.model === 'simulated')).toBe(true);

  await api('POST', `/api/tasks/${taskId}/agent-runs`, { agentType: 'planification' });
  expect((await settle()).map((r) => r.agentType)).toEqual(['planification']);
  expect((await api<{ content: string }>('GET', `/api/tasks/${taskId}/document`)).content).toContain('Original Request');

  await api('POST', `/api/tasks/${taskId}/agent-runs`, { agentType: 'implementation' });
  const runs = await settle();
  expect(runs.map((r) => [r.agentType, r.status, r.model])).toEqual([
    ['planification', 'completed', 'simulated'],
    ['implementation', 'completed', 'simulated'],
    ['review', 'completed', 'simulated'],
    ['refinement', 'completed', 'simulated'],
    ['pr', 'completed', 'simulated'],
  ]);
  const task = (await api<{ task: TaskDto }>('GET', `/api/tasks/${taskId}`)).task;
  expect(task.workflowComplete).toBe(true);
  expect(await readFile(join(task.worktreePath ?? '', 'greet.js'), 'utf8')).toContain('greetFr');
  const providers = await api<{ providers: { name: string; simulated: boolean }[] }>('GET', '/api/providers');
  expect(providers.providers.find((p) => p.name === 'anthropic')?.simulated).toBe(true);
});
