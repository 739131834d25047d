// Pure Actions rules of the fake: a run's status and conclusion from its jobs, job
// steps, timestamped logs, archive names, and the check runs a CI outcome becomes.
import { describe, expect, it } from 'vitest';
import { jobSteps, logFolderName, runConclusion, runStatus, timestampedLog } from './actions';
import type { WorkflowRunRecord } from './actions';
import type { CheckRecord } from './checks';
import { ciFails, jobsOfOutcome } from './ci';

const T = '2026-12-03T10:00:00Z';

function job(fields: Partial<CheckRecord>): CheckRecord {
  return {
    name: 'build',
    status: 'completed',
    id: 1,
    nodeId: 'CR_1',
    headSha: 'a'.repeat(40),
    startedAt: T,
    completedAt: T,
    runId: 9,
    ...fields,
  };
}

function run(jobs: CheckRecord[]): WorkflowRunRecord {
  return {
    id: 9,
    nodeId: 'WFR_9',
    workflowId: 2,
    workflowName: 'CI',
    runNumber: 1,
    runAttempt: 1,
    headSha: 'a'.repeat(40),
    headBranch: 'main',
    headCommit: null,
    event: 'push',
    actor: 'acme',
    createdAt: T,
    updatedAt: T,
    runStartedAt: T,
    completesAtOnce: true,
    jobs,
  };
}

describe('run status and conclusion', () => {
  it('is queued until a job starts, in progress until all complete', () => {
    const queued = job({ status: 'queued', completedAt: null });
    expect(runStatus(run([queued, queued]))).toBe('queued');
    expect(runStatus(run([queued, job({ status: 'in_progress', completedAt: null })]))).toBe('in_progress');
    expect(runStatus(run([queued, job({ conclusion: 'success' })]))).toBe('in_progress');
    expect(runConclusion(run([queued, job({ conclusion: 'failure' })]))).toBeNull();
    expect(runStatus(run([job({ conclusion: 'success' })]))).toBe('completed');
  });

  it('fails with the first failing job, succeeds otherwise, skipped only when all are', () => {
    expect(runConclusion(run([job({ conclusion: 'success' }), job({ conclusion: 'timed_out' }), job({ conclusion: 'failure' })]))).toBe(
      'timed_out',
    );
    expect(runConclusion(run([job({ conclusion: 'success' }), job({ conclusion: 'skipped' })]))).toBe('success');
    expect(runConclusion(run([job({ conclusion: 'skipped' })]))).toBe('skipped');
  });
});

describe('job steps', () => {
  it('gives a bare check run three steps, the middle one with its log and conclusion', () => {
    const steps = jobSteps(job({ conclusion: 'failure', logs: 'boom' }));
    expect(steps.map((s) => [s.number, s.name, s.status, s.conclusion, s.log])).toEqual([
      [1, 'Set up job', 'completed', 'success', ''],
      [2, 'Run build', 'completed', 'failure', 'boom'],
      [3, 'Complete job', 'completed', 'success', ''],
    ]);
  });

  it('hides step conclusions and completion while the job runs', () => {
    const steps = jobSteps(job({ status: 'in_progress', completedAt: null, steps: [{ name: 'a', conclusion: 'failure' }] }));
    expect(steps).toMatchObject([{ number: 1, status: 'in_progress', conclusion: null, startedAt: T, completedAt: null }]);
    expect(jobSteps(job({ status: 'queued', completedAt: null }))[0]).toMatchObject({ startedAt: null });
  });
});

describe('logs', () => {
  it('prefixes every line with a 7-digit-fraction timestamp and ends each with a newline', () => {
    expect(timestampedLog('one\ntwo\n', T)).toBe('2026-12-03T10:00:00.0000000Z one\n2026-12-03T10:00:00.0000000Z two\n');
    expect(timestampedLog('', T)).toBe('');
  });

  it('names archive folders as GitHub does: no path characters, at most 90 code units, trimmed', () => {
    expect(logFolderName('build / test: unit')).toBe('build  test unit');
    expect(logFolderName(`${'x'.repeat(89)} tail`)).toBe('x'.repeat(89));
    expect(logFolderName('a😅b')).toBe('a😅b');
  });
});

describe('CI outcomes', () => {
  it('turns ciFails into one completed failing job whose failing step carries the log', () => {
    const [scripted] = jobsOfOutcome(ciFails('test', 'Run npm test', 'not ok 1\n'));
    expect(scripted?.conclusion).toBe('failure');
    expect(scripted?.spec).toMatchObject({ name: 'test', status: 'completed', conclusion: 'failure', workflow: 'CI' });
    expect(scripted?.spec.steps?.[1]).toEqual({
      name: 'Run npm test',
      conclusion: 'failure',
      log: 'not ok 1\nError: Process completed with exit code 1.',
    });
    expect(scripted?.spec.logs).toContain('not ok 1');
  });

  it('keeps a pending outcome without a conclusion but remembers the one it will take', () => {
    const [pending] = jobsOfOutcome({ state: 'queued', jobs: [{ name: 'lint', conclusion: 'failure', log: 'x' }] });
    expect(pending?.spec).toMatchObject({ status: 'queued', workflow: 'CI' });
    expect(pending?.spec.conclusion).toBeUndefined();
    expect(pending?.conclusion).toBe('failure');
    expect(pending?.spec.steps?.map((s) => s.name)).toEqual(['Set up job', 'Run lint', 'Complete job']);
  });
});
