// The one "needs you" rule shared by the board cards and the inbox.
import { describe, expect, it } from 'vitest';
import { needsYou, type NeedsYouTask } from './needs-you';

const task = (over: Partial<NeedsYouTask> = {}): NeedsYouTask => ({
  status: 'in_progress',
  yoloMode: false,
  planificationComplete: false,
  workflowBlocked: false,
  blockReason: null,
  prUrl: null,
  prClosed: false,
  prAgentComplete: false,
  questionWaiting: false,
  workStarted: false,
  ...over,
});
const reasons = (t: NeedsYouTask, live = false) => needsYou(t, live).map((n) => n.reason);

describe('needsYou', () => {
  it('asks for nothing on a task that has not been planned', () => {
    expect(reasons(task())).toEqual([]);
  });

  it('names a plan to approve until work started, not on YOLO, completed, blocked or unknown gates', () => {
    const planned = task({ planificationComplete: true });
    expect(reasons(planned)).toEqual(['plan']);
    expect(reasons({ ...planned, workStarted: true })).toEqual([]);
    expect(reasons({ ...planned, workStarted: undefined })).toEqual([]);
    expect(reasons({ ...planned, yoloMode: true })).toEqual([]);
    expect(reasons({ ...planned, status: 'completed' })).toEqual([]);
    expect(reasons({ ...planned, workflowBlocked: true })).toEqual(['blocked']);
  });

  it('keeps a waiting question while a run is live and hides the end states then', () => {
    const t = task({ questionWaiting: true, workflowBlocked: true, blockReason: 'max_iterations' });
    expect(reasons(t, true)).toEqual(['question']);
    expect(needsYou(t, false)).toMatchObject([{ reason: 'question' }, { reason: 'blocked', detail: 'max_iterations' }]);
    expect(needsYou(task({ workflowBlocked: true }), false)[0]?.detail).toMatch(/no reason given/);
  });

  it('marks a PR ready once the PR agent is done, not a closed or completed one', () => {
    const pr = task({ prUrl: 'https://github.com/o/r/pull/1', prAgentComplete: true, workStarted: true });
    expect(reasons(pr)).toEqual(['pr']);
    expect(reasons({ ...pr, prAgentComplete: false })).toEqual([]);
    expect(reasons({ ...pr, prClosed: true })).toEqual([]);
    expect(reasons({ ...pr, status: 'completed' })).toEqual([]);
  });
});
