// The world of the whole-pipeline tests: a small greeter repository whose test
// suite fails until greetFr is right, the task request the role brain follows
// (a buggy first version the review catches, then the fix), a local GitHub
// with the repository as `origin` and CI on every pushed task branch — by
// default a check that is pending for a moment and then passes, or a real
// command run on a checkout of each pushed commit — and the helpers to drive
// the loop, or to start straight at the pull-request stage.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isLiveRunStatus, type AgentRunDto, type TaskDto } from '@bottega/protocol';
import { createRoleBrain, gitRemoteUrl, startFakeGitHub, taskRequest, type FakeGitHub } from '@bottega/testkit';
import type { Config } from '../config';
import { runGit } from '../forge/git';
import { startChatWorld, type ChatWorld } from './chat-world';
import { TEST_GIT_IDENTITY } from './git';
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

/** The GitHub repository of the world. */
export const OWNER = 'acme';
export const REPO = 'greeter';

/** CI's job and the step that runs the command (what `gh run view --log-failed` names). */
export const CI_JOB = 'test';
export const CI_STEP = 'Run the tests';

export interface PipelineWorldOptions {
  /** How long the default check stays pending. */
  ciMs?: number;
  /**
   * CI runs this shell command on a checkout of each pushed commit of a task
   * branch (job `test`, step `Run the tests`): it passes when the command
   * exits 0, else it fails with the command's output as the step's log.
   */
  ciCommand?: string;
  /** The task's request (default GREETER_REQUEST). */
  taskDescription?: string;
  config?: Partial<Config>;
}

/**
 * CI that also checks the README documents greetFr — something the loop's
 * review (`npm test`) does not look at, so the pull request's first CI run
 * fails and the PR agent fixes it from the request's ci-fix block.
 */
export const DOCS_CI = `npm test && { grep -q greetFr README.md 2>/dev/null || { echo 'docs check failed: README.md does not document greetFr'; exit 1; }; }`;
export const GREETER_README = '# greeter\n\n- `greet(name)`: Hello, name\n- `greetFr(name)`: Bonjour, name\n';
export const GREETER_DOCS_REQUEST = taskRequest({
  summary: 'Add a French greeting, greetFr(name), next to greet.',
  files: { 'greet.js': BUGGY_GREET },
  fixes: { 'greet.js': FIXED_GREET },
  ciFixes: { 'README.md': GREETER_README },
});

export interface PipelineWorld {
  w: ChatWorld;
  gh: FakeGitHub;
  /** The task's worktree and branch. */
  worktree: string;
  branch: string;
  /** A JSON call as the task's owner. */
  api<T>(method: string, path: string, json?: unknown): Promise<T>;
  task(): Promise<TaskDto>;
  /** Waits until no run of the task is live; the runs, oldest first. */
  settle(): Promise<AgentRunDto[]>;
  /** Writes files in the task's worktree and commits them (the implemented work, before a `pr` run). */
  commitWork(files: Record<string, string>, message?: string): Promise<void>;
  /** Pushes a commit with these files to the default branch of the GitHub repository (someone else's change). */
  pushToMain(files: Record<string, string>, message: string): Promise<void>;
  close(): Promise<void>;
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

export async function startPipelineWorld(opts: PipelineWorldOptions = {}): Promise<PipelineWorld> {
  const gh = await startFakeGitHub();
  const restoreEnv = useGitHub(gh);
  const w = await startChatWorld({
    brain: createRoleBrain(),
    repoFiles: GREETER_REPO,
    taskDescription: opts.taskDescription ?? GREETER_REQUEST,
    ...(opts.config ? { config: opts.config } : {}),
  });
  const project = await w.ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', w.projectId).executeTakeFirstOrThrow();
  await gh.createRepo(OWNER, REPO, { fromDir: project.repo_path });
  await runGit(['remote', 'add', 'origin', gitRemoteUrl(OWNER, REPO)], { cwd: project.repo_path });
  const worktree = w.task.worktreePath ?? '';
  const branch = w.task.branchName ?? '';
  if (opts.ciCommand !== undefined)
    gh.ci.runOnEveryPush(OWNER, REPO, branch, { name: CI_JOB, step: CI_STEP, command: ['sh', '-c', opts.ciCommand], timeoutMs: 60_000 });
  gh.onPush(async (push) => {
    if (!push.after || push.ref === 'refs/heads/main' || opts.ciCommand !== undefined) return;
    const sha = push.after;
    await gh.setChecks(OWNER, REPO, sha, [{ name: 'test', status: 'in_progress' }]);
    setTimeout(
      () => void gh.setChecks(OWNER, REPO, sha, [{ name: 'test', status: 'completed', conclusion: 'success' }]).catch(() => undefined),
      opts.ciMs ?? 2000,
    );
  });
  const api = async <T>(method: string, path: string, json?: unknown): Promise<T> =>
    (await w.ctx.request(method, path, { as: w.owner, ...(json === undefined ? {} : { json }) })).json() as Promise<T>;
  return {
    w,
    gh,
    worktree,
    branch,
    api,
    task: async () => (await api<{ task: TaskDto }>('GET', `/api/tasks/${w.task.id}`)).task,
    async settle() {
      for (let i = 0; i < 2400; i++) {
        await w.ctx.deps.background.drain();
        const runs = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${w.task.id}/agent-runs`)).runs;
        if (!runs.some((r) => isLiveRunStatus(r.status))) return runs.reverse();
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the pipeline did not settle');
    },
    async commitWork(files, message = 'Implement the task') {
      await writeFiles(worktree, files);
      await runGit(['add', '-A'], { cwd: worktree });
      await runGit([...TEST_GIT_IDENTITY, 'commit', '-q', '-m', message], { cwd: worktree });
    },
    async pushToMain(files, message) {
      const dir = await mkdtemp(join(tmpdir(), 'bottega-main-'));
      try {
        await runGit(['clone', '-q', gitRemoteUrl(OWNER, REPO), dir], { cwd: tmpdir() });
        await writeFiles(dir, files);
        await runGit(['add', '-A'], { cwd: dir });
        await runGit([...TEST_GIT_IDENTITY, 'commit', '-q', '-m', message], { cwd: dir });
        await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: dir });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
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
