// The task page's "what next" as a table: each row a task's flags and runs,
// the stage it is at, the next action, and the strip's states.
import { describe, expect, it } from 'vitest';
import { iterationLabel, taskProgress, type NextAction, type PipelineStage, type ProgressRun, type ProgressTask } from './progress';

const fresh: ProgressTask = {
  status: 'pending',
  yoloMode: false,
  planificationComplete: false,
  workflowComplete: false,
  workflowBlocked: false,
  blockReason: null,
  refinementComplete: false,
  prAgentComplete: false,
  prUrl: null,
  prClosed: false,
  prCiState: null,
  prStopReason: null,
};
const PR = 'https://github.com/acme/app/pull/7';
let nextId = 1;
const run = (agentType: ProgressRun['agentType'], status: ProgressRun['status'] = 'completed', failureReason?: string): ProgressRun => ({
  id: nextId++,
  agentType,
  status,
  ...(failureReason ? { failureReason } : {}),
});
const plan = () => [run('planification')];
const loop = () => [...plan(), run('implementation'), run('review')];

interface Row {
  name: string;
  task: Partial<ProgressTask>;
  runs: () => ProgressRun[];
  stage: PipelineStage;
  next: NextAction;
}

const rows: Row[] = [
  {
    name: 'a new task starts with planning',
    task: {},
    runs: () => [],
    stage: 'plan',
    next: { kind: 'start', agentType: 'planification', again: false },
  },
  {
    name: 'planning runs',
    task: { status: 'in_progress' },
    runs: () => [run('planification', 'running')],
    stage: 'plan',
    next: { kind: 'running', agentType: 'planification' },
  },
  {
    name: 'a queued implementation run waits for a run slot, with its place',
    task: { status: 'in_progress', planificationComplete: true },
    runs: () => [
      ...plan(),
      { ...run('implementation', 'queued'), id: 900, queue: { position: 3, reason: 'global_limit', resumeAt: null } },
    ],
    stage: 'implement',
    next: {
      kind: 'waiting',
      runId: 900,
      agentType: 'implementation',
      status: 'queued',
      queue: { position: 3, reason: 'global_limit', resumeAt: null },
    },
  },
  {
    name: 'a review waiting for its quota sits on the review stage',
    task: { status: 'in_progress', planificationComplete: true },
    runs: () => [...plan(), run('implementation'), { ...run('review', 'waiting_for_quota'), id: 901 }],
    stage: 'review',
    next: { kind: 'waiting', runId: 901, agentType: 'review', status: 'waiting_for_quota', queue: null },
  },
  {
    name: 'planning ended without a plan: plan again',
    task: { status: 'in_progress' },
    runs: plan,
    stage: 'plan',
    next: { kind: 'start', agentType: 'planification', again: true },
  },
  {
    name: 'the plan is written: approve it',
    task: { status: 'in_progress', planificationComplete: true },
    runs: plan,
    stage: 'approve',
    next: { kind: 'approve-plan' },
  },
  {
    name: 'a revised plan newer than the implementation waits for approval again',
    task: { status: 'in_progress', planificationComplete: true },
    runs: () => [...loop(), run('planification')],
    stage: 'approve',
    next: { kind: 'approve-plan' },
  },
  {
    name: 'implementation runs',
    task: { status: 'in_progress', planificationComplete: true },
    runs: () => [...plan(), run('implementation', 'running')],
    stage: 'implement',
    next: { kind: 'running', agentType: 'implementation' },
  },
  {
    name: 'a paused loop after implementation: review next',
    task: { status: 'in_progress', planificationComplete: true },
    runs: () => [...plan(), run('implementation')],
    stage: 'review',
    next: { kind: 'start', agentType: 'review', again: true },
  },
  {
    name: 'a paused loop after a review that asked for more: implementation next',
    task: { status: 'in_progress', planificationComplete: true },
    runs: loop,
    stage: 'implement',
    next: { kind: 'start', agentType: 'implementation', again: true },
  },
  {
    name: 'blocked in the loop: unblock with its reason',
    task: { status: 'in_progress', planificationComplete: true, workflowBlocked: true, blockReason: 'needs an API key' },
    runs: loop,
    stage: 'review',
    next: { kind: 'unblock', agentType: 'implementation', reason: 'needs an API key' },
  },
  {
    name: 'blocked by the PR agent with its pull request open: the PR agent takes it up again at CI',
    task: {
      status: 'in_progress',
      planificationComplete: true,
      workflowComplete: true,
      refinementComplete: true,
      workflowBlocked: true,
      blockReason: 'CI is still failing after 3 rounds (the limit is 3): job `test` failed.',
      prUrl: 'https://github.com/o/r/pull/1',
    },
    runs: () => [...loop(), run('pr')],
    stage: 'ci',
    next: { kind: 'unblock', agentType: 'pr', reason: 'CI is still failing after 3 rounds (the limit is 3): job `test` failed.' },
  },
  {
    name: 'a blocked YOLO task is unblocked by the YOLO agent',
    task: { status: 'in_progress', yoloMode: true, workflowBlocked: true, blockReason: 'max_iterations' },
    runs: () => [run('yolo')],
    stage: 'yolo',
    next: { kind: 'unblock', agentType: 'yolo', reason: 'max_iterations' },
  },
  {
    name: 'an interrupted run is resumed',
    task: { status: 'in_progress', planificationComplete: true },
    runs: () => [...plan(), { id: 500, agentType: 'implementation', status: 'interrupted', failureReason: 'server restarted' }],
    stage: 'implement',
    next: { kind: 'resume', runId: 500, agentType: 'implementation', reason: 'server restarted' },
  },
  {
    name: 'a failed run is retried',
    task: { status: 'in_progress', planificationComplete: true },
    runs: () => [...plan(), run('implementation', 'failed', 'provider error')],
    stage: 'implement',
    next: { kind: 'retry', agentType: 'implementation', reason: 'provider error' },
  },
  {
    name: 'READY with the chain paused: open the pull request',
    task: { status: 'in_progress', planificationComplete: true, workflowComplete: true },
    runs: loop,
    stage: 'pr',
    next: { kind: 'start', agentType: 'pr', again: false },
  },
  {
    name: 'the PR agent runs before its pull request exists',
    task: { status: 'in_progress', planificationComplete: true, workflowComplete: true },
    runs: () => [...loop(), run('pr', 'running')],
    stage: 'pr',
    next: { kind: 'running', agentType: 'pr' },
  },
  {
    name: 'the PR agent waits for CI on its pull request',
    task: { status: 'in_progress', planificationComplete: true, workflowComplete: true, prUrl: PR },
    runs: () => [...loop(), run('pr', 'running')],
    stage: 'ci',
    next: { kind: 'running', agentType: 'pr' },
  },
  {
    name: 'the PR agent stopped without a pull request: its reason',
    task: { status: 'in_progress', planificationComplete: true, workflowComplete: true, prStopReason: 'no GitHub remote' },
    runs: () => [...loop(), run('refinement'), run('pr')],
    stage: 'pr',
    next: { kind: 'pr-stopped', reason: 'no GitHub remote', prUrl: null },
  },
  {
    name: 'the pull request is open and green: merge',
    task: {
      status: 'in_review',
      planificationComplete: true,
      workflowComplete: true,
      prAgentComplete: true,
      prUrl: PR,
      prCiState: 'success',
    },
    runs: () => [...loop(), run('pr')],
    stage: 'merge',
    next: { kind: 'pr-open', prUrl: PR, ci: 'success', ready: true },
  },
  {
    name: 'CI failed after the PR agent finished (a later push)',
    task: {
      status: 'in_review',
      planificationComplete: true,
      workflowComplete: true,
      prAgentComplete: true,
      prUrl: PR,
      prCiState: 'failure',
    },
    runs: () => [...loop(), run('pr')],
    stage: 'ci',
    next: { kind: 'pr-open', prUrl: PR, ci: 'failure', ready: false },
  },
  {
    name: 'moved to In review by hand: the pull request stage, merge offered',
    task: { status: 'in_review', planificationComplete: true },
    runs: plan,
    stage: 'merge',
    next: { kind: 'pr-open', prUrl: null, ci: null, ready: true },
  },
  {
    name: 'closed on GitHub without merging',
    task: { status: 'in_review', prAgentComplete: true, prUrl: PR, prClosed: true, planificationComplete: true, workflowComplete: true },
    runs: () => [...loop(), run('pr')],
    stage: 'merge',
    next: { kind: 'pr-closed', prUrl: PR },
  },
  {
    name: 'merged',
    task: { status: 'completed', prUrl: PR, prAgentComplete: true },
    runs: loop,
    stage: 'merge',
    next: { kind: 'merged', prUrl: PR },
  },
  { name: 'completed by hand', task: { status: 'completed' }, runs: () => [], stage: 'merge', next: { kind: 'completed' } },
  {
    name: 'a YOLO task starts with its agent',
    task: { yoloMode: true },
    runs: () => [],
    stage: 'yolo',
    next: { kind: 'start', agentType: 'yolo', again: false },
  },
];

describe('taskProgress', () => {
  it.each(rows)('$name', ({ task, runs, stage, next }) => {
    const p = taskProgress({ ...fresh, ...task }, runs());
    expect(p.stage).toBe(stage);
    expect(p.next).toEqual(next);
  });

  it('ticks the stages before the current one, marks refinement skipped when it never ran', () => {
    const p = taskProgress(
      { ...fresh, status: 'in_progress', planificationComplete: true, workflowComplete: true, prStopReason: 'no remote' },
      [...loop(), run('implementation'), run('review'), run('pr')],
    );
    expect(p.stages.map((s) => [s.stage, s.state])).toEqual([
      ['plan', 'done'],
      ['approve', 'done'],
      ['implement', 'done'],
      ['review', 'done'],
      ['refine', 'skipped'],
      ['pr', 'attention'],
      ['ci', 'todo'],
      ['merge', 'todo'],
    ]);
  });

  it('shows the live stage as running and a merged task as all done', () => {
    const running = taskProgress({ ...fresh, status: 'in_progress', planificationComplete: true }, [
      ...plan(),
      run('implementation', 'running'),
    ]);
    expect(running.stages.find((s) => s.stage === 'implement')?.state).toBe('running');
    expect(running.stages.find((s) => s.stage === 'approve')?.state).toBe('done');
    const merged = taskProgress({ ...fresh, status: 'completed', prUrl: PR }, [...loop(), run('refinement'), run('pr')]);
    expect(merged.stages.every((s) => s.state === 'done')).toBe(true);
  });

  it("shows a waiting run's stage as current, not running: nothing runs yet", () => {
    const queued = taskProgress({ ...fresh, status: 'in_progress', planificationComplete: true }, [
      ...plan(),
      run('implementation', 'queued'),
    ]);
    expect(queued.stages.find((s) => s.stage === 'implement')?.state).toBe('current');
    expect(queued.stages.some((s) => s.state === 'running')).toBe(false);
  });

  describe('a question waiting for the user', () => {
    const asking = (agentType: ProgressRun['agentType'], conversationId: number): ProgressRun => ({
      ...run(agentType, 'running'),
      conversationId,
    });

    it("the running planner's question: answer it in its conversation, the plan stage waits for the user", () => {
      const p = taskProgress({ ...fresh, status: 'in_progress' }, [asking('planification', 40)], [40]);
      expect(p.next).toEqual({ kind: 'question', conversationId: 40, agentType: 'planification' });
      expect(p.stage).toBe('plan');
      expect(p.stages.find((s) => s.stage === 'plan')?.state).toBe('current');
    });

    it("the live run's question comes before an older chat's", () => {
      const p = taskProgress(
        { ...fresh, status: 'in_progress', planificationComplete: true },
        [...plan(), asking('implementation', 52)],
        [7, 52],
      );
      expect(p.next).toEqual({ kind: 'question', conversationId: 52, agentType: 'implementation' });
      expect(p.stage).toBe('implement');
    });

    it("the PR agent's question sits on the CI stage once the pull request exists", () => {
      const p = taskProgress(
        { ...fresh, status: 'in_progress', planificationComplete: true, workflowComplete: true, prUrl: PR },
        [...loop(), asking('pr', 60)],
        [60],
      );
      expect(p.next).toEqual({ kind: 'question', conversationId: 60, agentType: 'pr' });
      expect(p.stage).toBe('ci');
    });

    it("a manual chat's question (no run): the oldest conversation, the stage stays where the pipeline is", () => {
      const p = taskProgress({ ...fresh, status: 'in_progress', planificationComplete: true }, plan(), [9, 4]);
      expect(p.next).toEqual({ kind: 'question', conversationId: 4, agentType: null });
      expect(p.stage).toBe('approve');
      expect(p.stages.find((s) => s.stage === 'approve')?.state).toBe('current');
    });

    it('no question waiting: the running agent works', () => {
      const p = taskProgress({ ...fresh, status: 'in_progress' }, [asking('planification', 40)], []);
      expect(p.next).toEqual({ kind: 'running', agentType: 'planification' });
      expect(p.stages.find((s) => s.stage === 'plan')?.state).toBe('running');
    });

    it('a completed task shows its end state, not a question', () => {
      expect(taskProgress({ ...fresh, status: 'completed' }, [], [3]).next).toEqual({ kind: 'completed' });
    });
  });

  it('shows YOLO stages for a YOLO task', () => {
    expect(taskProgress({ ...fresh, yoloMode: true }, []).stages.map((s) => s.stage)).toEqual(['yolo', 'pr', 'ci', 'merge']);
  });
});

describe('iterationLabel', () => {
  it("says the task's runs against the cap, and nothing before any agent ran", () => {
    expect(iterationLabel({ workflowRunCount: 0 }, 25)).toBeNull();
    expect(iterationLabel({ workflowRunCount: 3 }, 25)).toBe('Iteration 3 of 25');
    expect(iterationLabel({ workflowRunCount: 25 }, 25)).toBe('Iteration 25 of 25');
  });

  it('leaves the cap out when it is unknown', () => {
    expect(iterationLabel({ workflowRunCount: 3 }, null)).toBe('Iteration 3');
  });
});
