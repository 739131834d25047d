// Wire shapes of the fake's Actions API against GitHub's own: every field of the
// recorded workflow_run / workflow_job objects (fixtures/actions-rest.json) is present
// with the same JSON type, and every field gh 2.23 reads is there and filled.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ciFails } from './ci';
import recorded from './fixtures/actions-rest.json';
import { startFakeGitHub } from './server';
import type { FakeGitHub } from './server';

const exec = promisify(execFile);
type Json = Record<string, unknown>;

let fake: FakeGitHub;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'actions-shapes-'));
  const git = (...args: string[]): Promise<unknown> =>
    exec('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'A',
        GIT_AUTHOR_EMAIL: 'a@example.test',
        GIT_COMMITTER_NAME: 'C',
        GIT_COMMITTER_EMAIL: 'c@example.test',
      },
    });
  await git('init', '-q', '-b', 'main');
  await writeFile(join(dir, 'README.md'), 'hi\n');
  await git('add', '.');
  await git('commit', '-qm', 'Add the readme\n\nWith a body.');
  fake = await startFakeGitHub();
  await fake.createRepo('acme', 'widgets', { fromDir: dir });
  await fake.ci.run('acme', 'widgets', 'main', ciFails('test', 'Run npm test', 'not ok 1'));
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<Response> {
  return fetch(`${fake.url}${path}`, { headers: { authorization: 'token gh-test-token' } });
}
async function getJson<T = Json>(path: string): Promise<T> {
  const res = await get(path);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** Fields GitHub may leave null that the fake fills, or the reverse, in these states. */
const NULLABLE = new Set(['conclusion', 'completed_at', 'previous_attempt_url', 'head_branch']);

/** Every key of `real` is in `fake` with the same JSON type (recursing into objects and first array items). */
function sameShape(real: Json, fakeValue: Json, at: string, skip: ReadonlySet<string> = new Set()): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(real)) {
    if (skip.has(key)) continue;
    const path = `${at}.${key}`;
    if (!(key in fakeValue)) {
      problems.push(`${path} missing`);
      continue;
    }
    const mine = fakeValue[key];
    if (value === null || (mine === null && NULLABLE.has(key))) continue;
    if (kind(mine) !== kind(value)) problems.push(`${path}: ${kind(mine)} instead of ${kind(value)}`);
    else if (kind(value) === 'object') problems.push(...sameShape(value as Json, mine as Json, path));
    else if (kind(value) === 'array' && (value as unknown[]).length > 0 && kind((value as unknown[])[0]) === 'object') {
      const first = (mine as unknown[])[0];
      if (first === undefined) problems.push(`${path}: empty`);
      else problems.push(...sameShape((value as Json[])[0] as Json, first as Json, `${path}[0]`));
    }
  }
  return problems;
}

describe('Actions REST shapes', () => {
  it('a workflow run carries every field of GitHub’s, and those gh reads', async () => {
    const list = await getJson<{ total_count: number; workflow_runs: Json[] }>(
      '/repos/acme/widgets/actions/runs?branch=main&per_page=20&exclude_pull_requests=true',
    );
    expect(list.total_count).toBe(1);
    const run = list.workflow_runs[0] as Json;
    // The repository objects are the fake's `GET /repos/O/R` (checked elsewhere); gh reads owner.login and name.
    expect(sameShape(recorded.workflow_run as Json, run, 'workflow_run', new Set(['repository', 'head_repository']))).toEqual([]);
    expect(run).toMatchObject({
      name: 'CI',
      display_title: 'Add the readme',
      status: 'completed',
      conclusion: 'failure',
      event: 'push',
      head_branch: 'main',
      run_number: 1,
      run_attempt: 1,
      head_commit: { message: 'Add the readme\n\nWith a body.', author: { name: 'A' }, committer: { name: 'C' } },
      head_repository: { name: 'widgets', owner: { login: 'acme' } },
      jobs_url: `http://api.github.localhost/repos/acme/widgets/actions/runs/${String(run.id)}/jobs`,
      html_url: `http://github.localhost/acme/widgets/actions/runs/${String(run.id)}`,
    });
    for (const key of ['created_at', 'updated_at', 'run_started_at']) expect(run[key]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await getJson(`/repos/acme/widgets/actions/runs/${String(run.id)}?exclude_pull_requests=true`)).toEqual(run);
    const workflow = await getJson(`/repos/acme/widgets/actions/workflows/${String(run.workflow_id)}`);
    expect(workflow).toMatchObject({ id: run.workflow_id, name: 'CI', path: '.github/workflows/ci.yml', state: 'active' });
    expect(await getJson('/repos/acme/widgets/actions/workflows?per_page=100')).toEqual({ total_count: 1, workflows: [workflow] });
  });

  it('a job carries every field of GitHub’s, with numbered steps, and its failure annotation', async () => {
    const [run] = (await getJson<{ workflow_runs: Json[] }>('/repos/acme/widgets/actions/runs')).workflow_runs;
    const jobs = await getJson<{ total_count: number; jobs: Json[] }>(
      `/repos/acme/widgets/actions/runs/${String(run?.id)}/jobs?per_page=100`,
    );
    expect(jobs.total_count).toBe(1);
    const job = jobs.jobs[0] as Json;
    expect(sameShape(recorded.workflow_job as Json, job, 'workflow_job')).toEqual([]);
    expect(job).toMatchObject({ name: 'test', status: 'completed', conclusion: 'failure', run_id: run?.id });
    expect((job.steps as Json[]).map((s) => [s.number, s.name, s.conclusion])).toEqual([
      [1, 'Set up job', 'success'],
      [2, 'Run npm test', 'failure'],
      [3, 'Complete job', 'success'],
    ]);
    expect(await getJson(`/repos/acme/widgets/actions/jobs/${String(job.id)}`)).toEqual(job);
    expect(await getJson(`/repos/acme/widgets/check-runs/${String(job.id)}/annotations`)).toMatchObject([
      { path: '.github', start_line: 1, annotation_level: 'failure', message: 'Process completed with exit code 1.' },
    ]);
  });

  it('serves the run logs as a zip with a folder per job and a file per step', async () => {
    const [run] = (await getJson<{ workflow_runs: Json[] }>('/repos/acme/widgets/actions/runs')).workflow_runs;
    const res = await get(`/repos/acme/widgets/actions/runs/${String(run?.id)}/logs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const archive = join(dir, 'logs.zip');
    await writeFile(archive, Buffer.from(await res.arrayBuffer()));
    const { stdout } = await exec('unzip', ['-Z1', archive]);
    expect(stdout.trim().split('\n')).toEqual([
      '0_test.txt',
      'test/1_Set up job.txt',
      'test/2_Run npm test.txt',
      'test/3_Complete job.txt',
    ]);
    const step = await exec('unzip', ['-p', archive, 'test/2_Run npm test.txt']);
    expect(step.stdout).toMatch(/^\S+Z not ok 1\n\S+Z Error: Process completed with exit code 1\.\n$/);
  });

  it('answers 404 for the logs of a run still in progress, as GitHub does', async () => {
    await fake.ci.run('acme', 'widgets', 'main', { ...ciFails('test', 'Run npm test', 'x'), state: 'in_progress' });
    const [run] = (await getJson<{ workflow_runs: Json[] }>('/repos/acme/widgets/actions/runs')).workflow_runs;
    expect(run).toMatchObject({ status: 'in_progress', conclusion: null });
    expect((await get(`/repos/acme/widgets/actions/runs/${String(run?.id)}/logs`)).status).toBe(404);
  });

  it('check suites follow their workflow run in GraphQL and REST, not each job', async () => {
    await fake.setChecks('acme', 'widgets', 'main', [
      { name: 'unit', status: 'completed', conclusion: 'success' },
      { name: 'e2e', status: 'in_progress' },
    ]);
    const query = `query { repository(owner: "acme", name: "widgets") { ref(qualifiedName: "main") { target { ... on Commit {
      statusCheckRollup { state contexts(first: 10) { nodes { ... on CheckRun { name status checkSuite { databaseId status conclusion workflowRun { databaseId } } } } } } } } } } }`;
    const suites = async (): Promise<unknown[]> => {
      const res = await fetch(`${fake.url}/graphql`, {
        method: 'POST',
        headers: { authorization: 'token gh-test-token', 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      const body = (await res.json()) as {
        data: { repository: { ref: { target: { statusCheckRollup: { contexts: { nodes: Json[] } } } } } };
      };
      return body.data.repository.ref.target.statusCheckRollup.contexts.nodes.map((n) => [n.name, n.status, n.checkSuite]);
    };
    const [run] = (await getJson<{ workflow_runs: Json[] }>('/repos/acme/widgets/actions/runs')).workflow_runs;
    const suite = (status: string, conclusion: string | null): Json => ({
      databaseId: run?.id,
      status,
      conclusion,
      workflowRun: { databaseId: run?.id },
    });
    expect(await suites()).toEqual([
      ['unit', 'COMPLETED', suite('IN_PROGRESS', null)],
      ['e2e', 'IN_PROGRESS', suite('IN_PROGRESS', null)],
    ]);
    expect(await getJson('/repos/acme/widgets/commits/main/check-suites')).toMatchObject({
      total_count: 1,
      check_suites: [{ id: run?.id, status: 'in_progress', conclusion: null, latest_check_runs_count: 2, app: { slug: 'github-actions' } }],
    });
    await fake.ci.complete('acme', 'widgets', 'main');
    expect(await suites()).toEqual([
      ['unit', 'COMPLETED', suite('COMPLETED', 'SUCCESS')],
      ['e2e', 'COMPLETED', suite('COMPLETED', 'SUCCESS')],
    ]);
    expect(await getJson(`/repos/acme/widgets/check-suites/${String(run?.id)}`)).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      head_branch: 'main',
    });
  });

  it('replacing a commit’s checks replaces its runs, and run numbers keep growing', async () => {
    const [before] = (await getJson<{ workflow_runs: Json[] }>('/repos/acme/widgets/actions/runs')).workflow_runs;
    await fake.ci.run('acme', 'widgets', 'main', ciFails('test', 'Run npm test', 'again'));
    const after = await getJson<{ total_count: number; workflow_runs: Json[] }>('/repos/acme/widgets/actions/runs');
    expect(after.total_count).toBe(1);
    expect(after.workflow_runs[0]).toMatchObject({ run_number: 2 });
    expect(after.workflow_runs[0]?.id).not.toBe(before?.id);
    expect((await get(`/repos/acme/widgets/actions/runs/${String(before?.id)}`)).status).toBe(404);
  });
});
