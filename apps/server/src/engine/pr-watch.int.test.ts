// A live PR run's pull request is followed without any webhook: with the watch on, the server reads
// it while the run works, records each CI round as it happens, and — when the run has spent more
// failed rounds than the project's cap — blocks the task with the last failing log and stops the
// run. Real Claude CLI (scripted through prompt directives), real git, real gh, the local GitHub
// whose CI fails every push.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { isLiveRunStatus, type AgentRunDto, type PullRequestStageResponse, type TaskDto } from '@bottega/protocol';
import { directive, gitRemoteUrl, startFakeGitHub, type FakeGitHub } from '@bottega/testkit';
import { runGit } from '../forge/git';
import { buildServer } from '../testing/build';
import { useGitHub } from '../testing/github-env';
import { startChatWorld, type ChatWorld } from '../testing/chat-world';

let w: ChatWorld;
let gh: FakeGitHub;
let restoreEnv: () => void = () => undefined;
beforeAll(buildServer);
beforeEach(async () => {
  gh = await startFakeGitHub();
  restoreEnv = useGitHub(gh);
  w = await startChatWorld({ config: { prWatchSeconds: 1 } });
  const project = await w.ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', w.projectId).executeTakeFirstOrThrow();
  await gh.createRepo('acme', 'app', { fromDir: project.repo_path });
  await runGit(['remote', 'add', 'origin', gitRemoteUrl('acme', 'app')], { cwd: project.repo_path });
  gh.ci.runOnEveryPush('acme', 'app', w.task.branchName ?? '', {
    name: 'lint',
    step: 'Run the linter',
    command: ['sh', '-c', 'echo "feature.js:1 unexpected var"; exit 1'],
  });
});
afterEach(async () => {
  restoreEnv();
  await w.close();
  await gh.close();
});

const api = async <T>(method: string, path: string, json?: unknown): Promise<T> =>
  (await w.ctx.request(method, path, { as: w.owner, ...(json === undefined ? {} : { json }) })).json() as Promise<T>;

async function until<T>(what: string, probe: () => Promise<T | null | undefined>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const found = await probe();
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

it('records CI rounds while the PR run works, and stops it at the cap with the task blocked', { timeout: 120_000 }, async () => {
  expect(
    (await api('PUT', `/api/projects/${w.projectId}/pr-settings`, { updateStrategy: 'rebase', maxCiRounds: 1 })) as object,
  ).toHaveProperty('prSettings.effectiveMaxCiRounds', 1);
  const push = (n: number) =>
    directive.bash(`echo "var feature = ${n};" > feature.js && git add -A && git commit -q -m "Round ${n}" && git push -q -u origin HEAD`);
  // An agent that ignores the cap: it pushes a second failing fix, then waits far longer than the test.
  await mkdir(join(w.ctx.home, 'prompts'), { recursive: true });
  await writeFile(
    join(w.ctx.home, 'prompts', 'pr.md'),
    [
      push(1),
      directive.bash(
        'gh pr create --repo {{repoSlug}} --head {{branch}} --base {{baseBranch}} --title "Task {{taskId}}" --body "Task {{taskId}}."',
      ),
      push(2),
      // Not a leading sleep: Claude Code refuses a command that starts with a sleep of 25 s or more.
      directive.bash('echo waiting; sleep 90'),
      directive.bash('{{signalCommand}} pr-complete'),
    ].join('\n'),
  );
  const started = await w.ctx.request('POST', `/api/tasks/${w.task.id}/agent-runs`, { as: w.owner, json: { agentType: 'pr' } });
  expect(started.status).toBe(201);
  const runId = ((await started.json()) as { run: AgentRunDto }).run.id;

  // While the run is live, its rounds appear without a webhook.
  const live = await until('a round recorded while the run is live', async () => {
    const stage = (await api<PullRequestStageResponse>('GET', `/api/tasks/${w.task.id}/pull-request`)).pullRequest;
    return stage.ciRounds.length > 0 ? stage : null;
  });
  expect(live.ciRounds[0]).toMatchObject({ round: 1, state: 'failure', failingChecks: ['lint'], agentRunId: runId });

  // The second failed round passes the cap of 1: the server blocks the task and stops the run.
  const blocked = await until('the task blocked at the cap', async () => {
    const task = (await api<{ task: TaskDto }>('GET', `/api/tasks/${w.task.id}`)).task;
    return task.workflowBlocked ? task : null;
  });
  expect(blocked.blockReason).toBe(
    'CI is still failing after 2 rounds (the limit is 1): job `lint` failed; the PR agent was stopped at the limit.',
  );
  expect(blocked.blockDetail).toContain('feature.js:1 unexpected var');
  const run = await until('the run to end', async () => {
    await w.ctx.deps.background.drain();
    const runs = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${w.task.id}/agent-runs`)).runs;
    const pr = runs.find((r) => r.id === runId);
    return pr && !isLiveRunStatus(pr.status) ? pr : null;
  });
  expect(run).toMatchObject({ status: 'failed', failureReason: 'stopped at the CI-round limit (2 failed rounds, the limit is 1)' });
  const stage = (await api<PullRequestStageResponse>('GET', `/api/tasks/${w.task.id}/pull-request`)).pullRequest;
  expect(stage.ciRounds.map((r) => [r.round, r.state, r.agentRunId])).toEqual([
    [1, 'failure', runId],
    [2, 'failure', runId],
  ]);
  expect(gh.prs('acme', 'app').map((p) => p.state)).toEqual(['OPEN']);
});
