// The world of the whole-pipeline tests: a small greeter repository whose test
// suite fails until greetFr is right, the task request the role brain follows
// (a buggy first version the review catches, then the fix), a local GitHub
// with the repository as `origin` and a CI check that is pending for a moment
// and then passes on every pushed branch, and the helpers to drive the loop.
import type { AgentRunDto, TaskDto } from '@bottega/protocol';
import { createRoleBrain, gitRemoteUrl, startFakeGitHub, taskRequest, type FakeGitHub } from '@bottega/testkit';
import { runGit } from '../forge/git';
import { startChatWorld, type ChatWorld } from './chat-world';
import { useGitHub } from './github-env';

export const GREETER_REPO = {
  'package.json': '{ "name": "greeter", "private": true, "scripts": { "test": "node greet.test.js" } }\n',
  'greet.js': 'export function greet(name) {\n  return `Hello, ${name}`;\n}\n',
  'greet.test.js':
    "import { strict as assert } from 'node:assert';\nimport * as g from './greet.js';\nassert.equal(g.greet('Ada'), 'Hello, Ada');\nassert.equal(g.greetFr?.('Ada'), 'Bonjour, Ada');\nconsole.log('all tests passed');\n",
};
export const BUGGY_GREET =
  'export function greet(name) {\n  return `Hello, ${name}`;\n}\n\nexport function greetFr(name) {\n  return `Bonjour ${name}`;\n}\n';
export const FIXED_GREET =
  'export function greet(name) {\n  return `Hello, ${name}`;\n}\n\nexport function greetFr(name) {\n  return `Bonjour, ${name}`;\n}\n';
export const GREETER_REQUEST = taskRequest({
  summary: 'Add a French greeting, greetFr(name), next to greet.',
  files: { 'greet.js': BUGGY_GREET },
  fixes: { 'greet.js': FIXED_GREET },
});

export interface PipelineWorld {
  w: ChatWorld;
  gh: FakeGitHub;
  /** A JSON call as the task's owner. */
  api<T>(method: string, path: string, json?: unknown): Promise<T>;
  task(): Promise<TaskDto>;
  /** Waits until no run of the task is live; the runs, oldest first. */
  settle(): Promise<AgentRunDto[]>;
  close(): Promise<void>;
}

export async function startPipelineWorld(opts: { ciMs?: number } = {}): Promise<PipelineWorld> {
  const gh = await startFakeGitHub();
  const restoreEnv = useGitHub(gh);
  const w = await startChatWorld({ brain: createRoleBrain(), repoFiles: GREETER_REPO, taskDescription: GREETER_REQUEST });
  const project = await w.ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', w.projectId).executeTakeFirstOrThrow();
  await gh.createRepo('acme', 'greeter', { fromDir: project.repo_path });
  await runGit(['remote', 'add', 'origin', gitRemoteUrl('acme', 'greeter')], { cwd: project.repo_path });
  gh.onPush(async (push) => {
    if (!push.after || push.ref === 'refs/heads/main') return;
    const sha = push.after;
    await gh.setChecks('acme', 'greeter', sha, [{ name: 'test', status: 'in_progress' }]);
    setTimeout(
      () =>
        void gh.setChecks('acme', 'greeter', sha, [{ name: 'test', status: 'completed', conclusion: 'success' }]).catch(() => undefined),
      opts.ciMs ?? 2000,
    );
  });
  const api = async <T>(method: string, path: string, json?: unknown): Promise<T> =>
    (await w.ctx.request(method, path, { as: w.owner, ...(json === undefined ? {} : { json }) })).json() as Promise<T>;
  return {
    w,
    gh,
    api,
    task: async () => (await api<{ task: TaskDto }>('GET', `/api/tasks/${w.task.id}`)).task,
    async settle() {
      for (let i = 0; i < 2400; i++) {
        await w.ctx.deps.background.drain();
        const runs = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${w.task.id}/agent-runs`)).runs;
        if (!runs.some((r) => r.status === 'running' || r.status === 'pending')) return runs.reverse();
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the pipeline did not settle');
    },
    async close() {
      restoreEnv();
      await w.close();
      await gh.close();
    },
  };
}

/** Sets every role of the world's owner to `model` (or each role to its own). */
export async function setRoleModels(
  p: PipelineWorld,
  models: Record<string, { provider: string; model: string; effort: string | null }>,
): Promise<void> {
  const res = await p.w.ctx.request('PUT', '/api/agent-settings', { as: p.w.owner, json: { settings: models } });
  if (res.status !== 200) throw new Error(`saving agent settings failed: ${res.status} ${await res.text()}`);
}

export const ALL_ROLES = ['planification', 'implementation', 'review', 'refinement', 'pr', 'yolo'] as const;

export function everyRole(model: { provider: string; model: string; effort: string | null }): Record<string, typeof model> {
  return Object.fromEntries(ALL_ROLES.map((r) => [r, model]));
}

/** Runs planning, then (as the plan's approval) implementation, and lets the loop carry on; every run, oldest first. */
export async function runToPullRequest(p: PipelineWorld): Promise<{ afterPlanning: AgentRunDto[]; runs: AgentRunDto[] }> {
  await p.api('POST', `/api/tasks/${p.w.task.id}/agent-runs`, { agentType: 'planification' });
  const afterPlanning = await p.settle();
  await p.api('POST', `/api/tasks/${p.w.task.id}/agent-runs`, { agentType: 'implementation' });
  return { afterPlanning, runs: await p.settle() };
}

/** The loop's runs on the greeter task: the review catches the bug once, then the fix passes. */
export const GREETER_LOOP = ['planification', 'implementation', 'review', 'implementation', 'review', 'refinement', 'pr'] as const;
