// The job a CI command's outcome stands for, and running a command with a timeout in
// an environment of its own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobsOfOutcome } from './ci';
import { ciEnv, jobOfCommand, runCommand } from './ci-command';

const JOB = { name: 'test', step: 'Run node --test' };

describe('jobOfCommand', () => {
  it('passes with the output as the step’s log', () => {
    const job = jobOfCommand(JOB, { code: 0, output: 'ok 1 - adds\n', timedOut: false });
    expect(job.steps).toEqual([
      { name: 'Set up job', log: 'Current runner version: 2.320.0' },
      { name: 'Run node --test', conclusion: 'success', log: 'ok 1 - adds' },
      { name: 'Complete job', log: 'Cleaning up orphan processes' },
    ]);
    expect(jobsOfOutcome({ jobs: [job] })[0]?.conclusion).toBe('success');
  });

  it('fails on a non-zero exit, a timeout or a command that cannot start, saying which', () => {
    const failed = jobOfCommand(JOB, { code: 2, output: 'not ok 1\n', timedOut: false });
    expect(failed.steps?.[1]).toEqual({
      name: 'Run node --test',
      conclusion: 'failure',
      log: 'not ok 1\nError: Process completed with exit code 2.',
    });
    expect(jobsOfOutcome({ jobs: [failed] })[0]?.conclusion).toBe('failure');
    const slow = jobOfCommand({ ...JOB, timeoutMs: 5000 }, { code: null, output: '', timedOut: true });
    expect(slow.steps?.[1]?.log).toBe("Error: The action 'Run node --test' has timed out after 5 seconds.");
    const missing = jobOfCommand(JOB, { code: null, output: '', timedOut: false, spawnError: 'spawn nope ENOENT' });
    expect(missing.steps?.[1]).toMatchObject({ conclusion: 'failure', log: 'Error: spawn nope ENOENT' });
  });
});

describe('runCommand', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ci-command-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const env = (): Record<string, string> => ciEnv(dir, { owner: 'o', repo: 'r', branch: 'b', sha: 'abc', workflow: 'CI' });

  it('collects stdout and stderr and the exit code, with only the CI environment', async () => {
    const script = 'console.log("out"); console.error(process.env.GITHUB_SHA, process.env.VITEST ?? "-"); process.exit(3)';
    const r = await runCommand(['node', '-e', script], dir, env(), 10_000);
    expect(r).toEqual({ code: 3, output: 'out\nabc -\n', timedOut: false });
  });

  it('kills a command past its timeout', async () => {
    const started = Date.now();
    const r = await runCommand(['node', '-e', 'setTimeout(() => {}, 60000)'], dir, env(), 300);
    expect(r.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('kills a command when its signal aborts', async () => {
    const stop = new AbortController();
    const running = runCommand(['node', '-e', 'setTimeout(() => {}, 60000)'], dir, env(), 60_000, stop.signal);
    setTimeout(() => stop.abort(), 200);
    expect(await running).toMatchObject({ code: null, timedOut: false });
  });

  it('reports a program that does not exist', async () => {
    const r = await runCommand(['no-such-program-here'], dir, env(), 10_000);
    expect(r.spawnError).toMatch(/ENOENT/);
  });
});
