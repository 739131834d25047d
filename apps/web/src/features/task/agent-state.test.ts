// The agent buttons' states derived from run statuses and task flags: every
// role through idle, queued, waiting, running, completed and failed, the newest run winning,
// and the roles a YOLO task offers.
import { describe, expect, it } from 'vitest';
import { agentState, rolesFor } from './agent-state';
import { makeRun, makeTask } from './task-fixtures';

describe('rolesFor', () => {
  it('offers only the YOLO agent on a YOLO task and every other role otherwise', () => {
    expect(rolesFor(makeTask({ yoloMode: true })).map((r) => r.agentType)).toEqual(['yolo']);
    expect(rolesFor(makeTask()).map((r) => r.agentType)).toEqual(['planification', 'implementation', 'review', 'refinement', 'pr']);
  });
});

describe('agentState', () => {
  const task = makeTask();

  it('is idle for a role that never ran', () => {
    for (const role of ['planification', 'implementation', 'review', 'refinement', 'pr'] as const)
      expect(agentState(task, [], role)).toBe('idle');
  });

  it('is running while the newest run of the role is pending or running', () => {
    expect(agentState(task, [makeRun(1, 'planification', 'running')], 'planification')).toBe('running');
    expect(agentState(task, [makeRun(1, 'review', 'pending')], 'review')).toBe('running');
    expect(agentState(task, [makeRun(1, 'review', 'running')], 'implementation')).toBe('idle');
  });

  it('is queued or waiting, not running, while the newest run of the role waits for a slot or its quota', () => {
    expect(agentState(task, [makeRun(1, 'planification', 'queued')], 'planification')).toBe('queued');
    expect(agentState(task, [makeRun(1, 'review', 'waiting_for_quota')], 'review')).toBe('waiting');
    // Even with the role's flag set: nothing has run yet.
    expect(agentState(makeTask({ workflowComplete: true }), [makeRun(1, 'review', 'queued')], 'review')).toBe('queued');
  });

  it("is completed from the role's flag, not from the run having ended", () => {
    const ended = [
      makeRun(1, 'planification', 'completed'),
      makeRun(2, 'review', 'completed'),
      makeRun(3, 'refinement', 'completed'),
      makeRun(4, 'pr', 'completed'),
    ];
    // Runs that ended without their signal (a plan not written, a review asking for work…).
    for (const role of ['planification', 'review', 'refinement', 'pr'] as const) expect(agentState(task, ended, role)).toBe('idle');
    const flagged = makeTask({ planificationComplete: true, workflowComplete: true, refinementComplete: true, prAgentComplete: true });
    for (const role of ['planification', 'review', 'refinement', 'pr'] as const) expect(agentState(flagged, ended, role)).toBe('completed');
    // A flag set with no run of this role seen (e.g. runs not loaded yet) still counts.
    expect(agentState(makeTask({ planificationComplete: true }), [], 'planification')).toBe('completed');
  });

  it('is idle, not completed, for implementation while the loop is blocked', () => {
    expect(agentState(makeTask({ workflowBlocked: true }), [makeRun(1, 'implementation', 'completed')], 'implementation')).toBe('idle');
  });

  it('is completed for implementation (which signals nothing) once its newest run completed', () => {
    expect(agentState(task, [makeRun(1, 'implementation', 'completed')], 'implementation')).toBe('completed');
    expect(agentState(task, [makeRun(2, 'implementation', 'completed'), makeRun(1, 'implementation', 'failed')], 'implementation')).toBe(
      'completed',
    );
  });

  it('is failed when the newest run of the role failed, was interrupted or blocked', () => {
    for (const status of ['failed', 'interrupted', 'blocked'] as const) {
      expect(
        agentState(
          makeTask({ planificationComplete: true }),
          [makeRun(1, 'planification', 'completed'), makeRun(2, 'planification', status)],
          'planification',
        ),
      ).toBe('failed');
    }
    expect(agentState(task, [makeRun(1, 'implementation', 'failed'), makeRun(2, 'implementation', 'running')], 'implementation')).toBe(
      'running',
    );
  });

  it('reads YOLO as completed once its PR is complete', () => {
    const yolo = makeTask({ yoloMode: true });
    expect(agentState(yolo, [makeRun(1, 'yolo', 'completed')], 'yolo')).toBe('idle');
    expect(agentState({ ...yolo, prAgentComplete: true, workflowComplete: true }, [makeRun(1, 'yolo', 'completed')], 'yolo')).toBe(
      'completed',
    );
  });
});
