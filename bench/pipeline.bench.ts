// The full happy-path pipeline against the fakes (role-playing model brain,
// local GitHub) with the real Claude CLI, git and gh: wall time, and the share
// of it spent in Bottega itself — everything outside the agent turns
// (streaming.started → streaming.ended of each run's conversation). Target:
// that share < 5%.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerEvent } from '@bottega/protocol';
import { createRoleBrain, ghEnv, gitRemoteUrl, startFakeAnthropic, startFakeGitHub, taskRequest } from '@bottega/testkit';
import { boot } from '../apps/server/src/app/boot';
import { startRun } from '../apps/server/src/engine/run-starter';
import { runGit } from '../apps/server/src/forge/git';
import { routeProcessWarnings, silentLogger } from '../apps/server/src/logger';
import { startServer } from '../apps/server/src/app/server';
import { testConfig } from '../apps/server/src/testing/context';
import { initRepo } from '../apps/server/src/testing/git';
import { apiClient, benchAdmin, report } from './lib';

const FILES = {
  'package.json': '{ "name": "greeter", "private": true, "type": "module", "scripts": { "test": "node greet.test.js" } }\n',
  'greet.js': 'export const greet = (name) => `Hello, ${name}`;\n',
  'greet.test.js':
    "import { strict as assert } from 'node:assert';\nimport * as g from './greet.js';\nassert.equal(g.greetFr?.('Ada'), 'Bonjour, Ada');\n",
};

export async function run(): Promise<void> {
  routeProcessWarnings(silentLogger());
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-pipeline-'));
  const gh = await startFakeGitHub();
  Object.assign(process.env, ghEnv(gh));
  const fake = await startFakeAnthropic({ brain: createRoleBrain() });
  const { deps, close } = await boot(testConfig(home, { depsCopy: 'off' }), silentLogger());
  const server = await startServer(deps, { host: '127.0.0.1', port: 0 });
  try {
    const user = await benchAdmin(deps);
    const auth = user.auth;
    const call = apiClient(server.url, auth);
    await call('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: fake.url });
    const repo = await initRepo(join(home, 'repo'), { files: FILES });
    await gh.createRepo('acme', 'greeter', { fromDir: repo });
    await runGit(['remote', 'add', 'origin', gitRemoteUrl('acme', 'greeter')], { cwd: repo });
    gh.onPush(async (push) => {
      if (push.after && push.ref !== 'refs/heads/main')
        await gh.setChecks('acme', 'greeter', push.after, [{ name: 'test', status: 'completed', conclusion: 'success' }]);
    });
    const { project } = await call<{ project: { id: number } }>('POST', '/api/projects', { name: 'Bench', repoPath: repo });
    const description = taskRequest({
      summary: 'Add greetFr.',
      files: { 'greet.js': 'export const greet = (name) => `Hello, ${name}`;\nexport const greetFr = (name) => `Bonjour, ${name}`;\n' },
    });
    const { task } = await call<{ task: { id: number } }>('POST', `/api/projects/${project.id}/tasks`, {
      title: 'greet in French',
      description,
    });
    await deps.background.drain();

    const turns = new Map<number, { start: number; end?: number }>();
    deps.bus.subscribe((e: ServerEvent) => {
      if (e.type === 'streaming.started') turns.set(e.conversationId, { start: performance.now() });
      if (e.type === 'streaming.ended') {
        const t = turns.get(e.conversationId);
        if (t) t.end = performance.now();
      }
    });
    const t0 = performance.now();
    await startRun(deps, { taskId: task.id, agentType: 'planification', trigger: 'manual', actingUserId: user.id });
    const waitIdle = async () => {
      for (;;) {
        await deps.background.drain();
        const live = await deps.db
          .selectFrom('agent_runs')
          .select('id')
          .where('task_id', '=', task.id)
          .where('status', '=', 'running')
          .executeTakeFirst();
        if (!live) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await waitIdle();
    await startRun(deps, { taskId: task.id, agentType: 'implementation', trigger: 'manual', actingUserId: user.id });
    await waitIdle();
    const wall = performance.now() - t0;
    const status = await deps.db.selectFrom('tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow();
    if (status.status !== 'in_review') throw new Error(`pipeline ended in ${status.status}`);
    const inTurns = [...turns.values()].reduce((sum, t) => sum + ((t.end ?? t.start) - t.start), 0);
    report(`full pipeline (plan, gate, implementation, review, refinement, PR) wall time, ${turns.size} runs`, wall, 'ms');
    report(
      '  share spent in Bottega outside the agent turns (the human gate excluded: Run is pressed at once)',
      (100 * (wall - inTurns)) / wall,
      '%',
      5,
    );
  } finally {
    await server.close();
    await close();
    await fake.close();
    await gh.close();
    await rm(home, { recursive: true, force: true });
  }
}
