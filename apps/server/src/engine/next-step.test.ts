// Table-driven test of the next-step decision: every finished role against
// every combination of the flags that matter (blocked, complete, refinement
// done, at the cap, plan written), for technical and non-technical actors and
// refinement on and off — each row's expectation derived from docs/behaviour/loop.md#next-step rules
// written out independently below. Beside the sweep, a short table written
// by hand, row by row, so a rule misread in both the code and the sweep's
// expectation still fails here.
import { agentTypes, type AgentType } from '@bottega/protocol';
import { describe, expect, it } from 'vitest';
import { nextStep, type NextStep, type StepInput, type TaskFlags } from './next-step';

const CAP = 25;
const bools = [false, true] as const;

interface Row {
  finished: AgentType;
  blocked: boolean;
  complete: boolean;
  refined: boolean;
  atCap: boolean;
  planned: boolean;
  technical: boolean;
  refinementEnabled: boolean;
}

function expected(r: Row): NextStep {
  if (r.finished === 'pr' || r.finished === 'yolo') return { kind: 'stop', reason: 'terminal' };
  if (r.finished === 'planification') {
    if (!r.technical && r.planned && !r.blocked) return { kind: 'start', agentType: 'implementation' };
    return { kind: 'stop', reason: 'plan-gate' };
  }
  if (r.blocked) return { kind: 'stop', reason: 'blocked' };
  if (r.complete) {
    if (r.finished === 'refinement') return { kind: 'start', agentType: 'pr' };
    return r.refinementEnabled && !r.refined ? { kind: 'start', agentType: 'refinement' } : { kind: 'start', agentType: 'pr' };
  }
  if (r.finished === 'refinement') return { kind: 'stop', reason: 'not-applicable' };
  if (r.atCap) return { kind: 'block', reason: 'max_iterations' };
  return { kind: 'start', agentType: r.finished === 'implementation' ? 'review' : 'implementation' };
}

const rows: Row[] = [];
for (const finished of agentTypes)
  for (const blocked of bools)
    for (const complete of bools)
      for (const refined of bools)
        for (const atCap of bools)
          for (const planned of bools)
            for (const technical of bools)
              for (const refinementEnabled of bools)
                rows.push({ finished, blocked, complete, refined, atCap, planned, technical, refinementEnabled });

const input = (r: Row): StepInput => ({
  finished: r.finished,
  flags: {
    planificationComplete: r.planned,
    workflowComplete: r.complete,
    workflowBlocked: r.blocked,
    refinementComplete: r.refined,
    prAgentComplete: false,
    workflowRunCount: r.atCap ? CAP : CAP - 1,
  },
  actorIsTechnical: r.technical,
  refinementEnabled: r.refinementEnabled,
  maxIterations: CAP,
});

describe('nextStep', () => {
  it.each(
    rows.map(
      (r) =>
        [
          `${r.finished} blocked=${r.blocked} complete=${r.complete} refined=${r.refined} atCap=${r.atCap} planned=${r.planned} technical=${r.technical} refinement=${r.refinementEnabled}`,
          r,
        ] as const,
    ),
  )('%s', (_label, row) => {
    expect(nextStep(input(row))).toEqual(expected(row));
  });

  it('covers every role', () => {
    expect(new Set(rows.map((r) => r.finished))).toEqual(new Set(agentTypes));
    expect(rows).toHaveLength(agentTypes.length * 2 ** 7);
  });

  it('spells out the main paths', () => {
    const base: StepInput = input({
      finished: 'implementation',
      blocked: false,
      complete: false,
      refined: false,
      atCap: false,
      planned: true,
      technical: true,
      refinementEnabled: true,
    });
    expect(nextStep(base)).toEqual({ kind: 'start', agentType: 'review' });
    expect(nextStep({ ...base, finished: 'review' })).toEqual({ kind: 'start', agentType: 'implementation' });
    expect(nextStep({ ...base, finished: 'review', flags: { ...base.flags, workflowComplete: true } })).toEqual({
      kind: 'start',
      agentType: 'refinement',
    });
    expect(
      nextStep({ ...base, finished: 'refinement', flags: { ...base.flags, workflowComplete: true, refinementComplete: true } }),
    ).toEqual({ kind: 'start', agentType: 'pr' });
    expect(nextStep({ ...base, finished: 'planification' })).toEqual({ kind: 'stop', reason: 'plan-gate' });
    expect(nextStep({ ...base, finished: 'review', flags: { ...base.flags, workflowRunCount: CAP } })).toEqual({
      kind: 'block',
      reason: 'max_iterations',
    });
  });
});

/** One hand-written rule: the finished role, the flags that differ from a fresh in-progress task, and the step. */
type Rule = [finished: AgentType, given: Partial<TaskFlags> & { technical?: boolean; refinement?: boolean }, expected: NextStep];

const MAX = 5;
const RULES: Rule[] = [
  ['pr', { workflowComplete: true }, { kind: 'stop', reason: 'terminal' }],
  ['yolo', { workflowComplete: true }, { kind: 'stop', reason: 'terminal' }],
  ['planification', { planificationComplete: true }, { kind: 'stop', reason: 'plan-gate' }],
  ['planification', { planificationComplete: true, technical: false }, { kind: 'start', agentType: 'implementation' }],
  ['planification', { planificationComplete: false, technical: false }, { kind: 'stop', reason: 'plan-gate' }],
  ['planification', { planificationComplete: true, workflowBlocked: true, technical: false }, { kind: 'stop', reason: 'plan-gate' }],
  ['implementation', {}, { kind: 'start', agentType: 'review' }],
  ['review', {}, { kind: 'start', agentType: 'implementation' }],
  ['implementation', { workflowRunCount: MAX - 1 }, { kind: 'start', agentType: 'review' }],
  ['review', { workflowRunCount: MAX }, { kind: 'block', reason: 'max_iterations' }],
  ['implementation', { workflowRunCount: MAX + 3 }, { kind: 'block', reason: 'max_iterations' }],
  ['review', { workflowBlocked: true }, { kind: 'stop', reason: 'blocked' }],
  ['implementation', { workflowBlocked: true, workflowComplete: true }, { kind: 'stop', reason: 'blocked' }],
  ['review', { workflowComplete: true }, { kind: 'start', agentType: 'refinement' }],
  ['review', { workflowComplete: true, refinement: false }, { kind: 'start', agentType: 'pr' }],
  ['review', { workflowComplete: true, refinementComplete: true }, { kind: 'start', agentType: 'pr' }],
  ['review', { workflowComplete: true, workflowRunCount: MAX }, { kind: 'start', agentType: 'refinement' }],
  ['refinement', { workflowComplete: true }, { kind: 'start', agentType: 'pr' }],
  ['refinement', { workflowComplete: true, refinement: false }, { kind: 'start', agentType: 'pr' }],
  ['refinement', {}, { kind: 'stop', reason: 'not-applicable' }],
];

describe('nextStep, rule by rule (written by hand)', () => {
  it.each(RULES.map((r) => [`${r[0]} ${JSON.stringify(r[1])}`, r] as const))('%s', (_label, [finished, given, expectedStep]) => {
    const { technical = true, refinement = true, ...flags } = given;
    const step = nextStep({
      finished,
      flags: {
        planificationComplete: true,
        workflowComplete: false,
        workflowBlocked: false,
        refinementComplete: false,
        prAgentComplete: false,
        workflowRunCount: 1,
        ...flags,
      },
      actorIsTechnical: technical,
      refinementEnabled: refinement,
      maxIterations: MAX,
    });
    expect(step).toEqual(expectedStep);
  });
});
