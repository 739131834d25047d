// The role brain as a Brain: first replies per role, fallbacks for other
// prompts and side requests, missing tools, and CI-state classification.
import { describe, expect, it } from 'vitest';
import { assistant, request, toolResult, toolUse, user } from '../anthropic/brain.fixture';
import { directive } from '../anthropic/directives';
import { renderRole } from './agents.fixture';
import { ciVerdict, describeView, parsePullRequestView } from './ci-state';
import { createRoleBrain, nextRoleAction } from './role-brain';

const vars = { documentPath: '/docs/task.md', worktreePath: '/w', signalCommand: "'/bin/sig' signal", planTemplatePath: '/t/plan.md' };

describe('createRoleBrain', () => {
  it('starts every role with a Bash call', () => {
    const brain = createRoleBrain();
    const first = (name: string) => brain(request([user(renderRole(name, vars))])).content[0];
    for (const name of ['planning', 'planning-nontechnical', 'implementation', 'review', 'pr', 'pr-feedback', 'yolo']) {
      expect(first(name), name).toEqual({
        type: 'tool_use',
        name: 'Bash',
        input: { command: "cat '/docs/task.md'", description: 'Read the task document' },
      });
    }
    expect(first('refinement')).toMatchObject({
      type: 'tool_use',
      name: 'Bash',
      input: { description: 'List the files this branch changed' },
    });
  });

  it('hands other prompts to the directive brain, and answers side requests with text', () => {
    const brain = createRoleBrain({ sideReply: 'A title' });
    expect(brain(request([user(`go ${directive.bash('echo hi')}`)])).content[0]).toMatchObject({
      type: 'tool_use',
      input: { command: 'echo hi' },
    });
    expect(brain(request([user('Summarise this')], false))).toMatchObject({
      content: [{ type: 'text', text: 'A title' }],
      stopReason: 'end_turn',
    });
  });

  it('says so when Bash is not offered or a fact is missing', () => {
    const noBash = { ...request([user(renderRole('review', vars))]), tools: [{ name: 'Read', input_schema: { type: 'object' } }] };
    expect(createRoleBrain()(noBash).content[0]).toMatchObject({
      type: 'text',
      text: expect.stringMatching(/^\[role brain\] tool Bash is not offered/),
    });
    const noDoc = renderRole('review', vars).replace(/Task document: `[^`]*`/, 'Task document: unknown');
    expect(nextRoleAction(request([user(noDoc)]))).toEqual({
      kind: 'done',
      text: '[role brain] review: the prompt does not give the documentPath',
    });
  });

  it('finds the role prompt behind later non-role prompts (a resumed session)', () => {
    const history = [
      user(renderRole('refinement', vars)),
      assistant(toolUse('a', 'Bash', { command: 'git status', description: 'List the files this branch changed' })),
      user(toolResult('a', '(Bash completed with no output)')),
      assistant({ type: 'text', text: 'Refinement pass…' }),
      user('<system-reminder>x</system-reminder>', 'continue'),
    ];
    expect(nextRoleAction(request(history))).toMatchObject({
      kind: 'done',
      text: expect.stringMatching(/^Refinement pass over the branch \(no changes\)/),
    });
  });
});

describe('a role prompt in the system prompt', () => {
  it('counts every call of the conversation', () => {
    const history = [
      user('Go.'),
      assistant(toolUse('a', 'Bash', { command: 'git status', description: 'List the files this branch changed' })),
      user(toolResult('a', ' M a.txt')),
    ];
    const req = {
      ...request(history),
      system: [
        { type: 'text', text: 'You are Claude Code.' },
        { type: 'text', text: renderRole('refinement', vars) },
      ],
    };
    expect(nextRoleAction(req)).toMatchObject({
      kind: 'done',
      text: expect.stringMatching(/^Refinement pass over the branch \(1 line of/),
    });
    expect(nextRoleAction({ ...request([user('Go.')]), system: 'You are Claude Code.' })).toBeUndefined();
  });
});

describe('CI state', () => {
  it('classifies check runs and commit statuses', () => {
    const v = parsePullRequestView(
      JSON.stringify({
        state: 'OPEN',
        mergeable: 'MERGEABLE',
        statusCheckRollup: [
          { name: 'a', status: 'COMPLETED', conclusion: 'SUCCESS' },
          { name: 'b', status: 'COMPLETED', conclusion: 'SKIPPED' },
          { name: 'c', status: 'IN_PROGRESS', conclusion: '' },
          { context: 'd', state: 'PENDING' },
          { name: 'e', status: 'COMPLETED', conclusion: 'TIMED_OUT', detailsUrl: 'https://x/o/r/actions/runs/77/job/2' },
          { context: 'f', state: 'ERROR' },
        ],
      }),
    );
    expect(v?.checks.map((c) => c.outcome)).toEqual(['passed', 'passed', 'pending', 'pending', 'failed', 'failed']);
    expect(v?.checks[4]?.runId).toBe('77');
    expect(ciVerdict(v?.checks ?? [])).toBe('failed');
    expect(ciVerdict(v?.checks.slice(0, 4) ?? [])).toBe('pending');
    expect(ciVerdict([])).toBe('none');
    expect(describeView(v)).toMatch(/^state OPEN; CI failed \(a: passed, /);
    expect(parsePullRequestView('Exit code 1\nno pull requests found')).toBeUndefined();
  });
});
