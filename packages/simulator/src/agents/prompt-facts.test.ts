// Role detection and fact extraction over Bottega's real rendered prompts.
import { describe, expect, it } from 'vitest';
import { renderRole } from './agents.fixture';
import { detectRole, findSignalCommand, readPromptFacts } from './prompt-facts';

const vars = {
  documentPath: '/srv/bottega-home/projects/3/tasks/7/task.md',
  worktreePath: '/srv/work trees/task-7',
  signalCommand: `'/usr/bin/node' '/opt/bottega/bin/bottega.js' signal`,
  planTemplatePath: '/srv/bottega-home/templates/plan-template.md',
  taskTitle: 'Say "hello", politely',
};

describe('detectRole', () => {
  it.each([
    ['planning', 'planning'],
    ['planning-nontechnical', 'planning-nontechnical'],
    ['implementation', 'implementation'],
    ['review', 'review'],
    ['refinement', 'refinement'],
    ['pr', 'pr'],
    ['pr-feedback', 'pr-feedback'],
    ['yolo', 'yolo'],
  ])('recognises the %s prompt', (name, role) => {
    expect(detectRole(renderRole(name, vars))).toBe(role);
  });

  it('falls back to the opening sentence when the heading was renamed', () => {
    const prompt = renderRole('review', vars).replace('# Review agent', '# Reviewer');
    expect(detectRole(prompt)).toBe('review');
  });

  it('ignores prompts that are not role prompts', () => {
    expect(detectRole('Please run [[bash: ls]]')).toBeUndefined();
    expect(detectRole('Tell me about the review agent.')).toBeUndefined();
  });
});

describe('readPromptFacts', () => {
  it('reads paths, branch, base, slug, task and signal command from each prompt', () => {
    for (const name of ['planning', 'planning-nontechnical', 'implementation', 'review', 'refinement', 'pr', 'pr-feedback', 'yolo']) {
      const prompt = renderRole(name, vars);
      const facts = readPromptFacts(prompt, detectRole(prompt) ?? 'planning');
      expect(facts, name).toMatchObject({
        taskId: '7',
        taskTitle: 'Say "hello", politely',
        documentPath: vars.documentPath,
        worktreePath: vars.worktreePath,
        branch: 'bottega/task-7',
        baseBranch: 'main',
      });
      const signals = ['planning', 'planning-nontechnical', 'review', 'pr', 'pr-feedback', 'yolo'];
      if (signals.includes(name)) expect(facts.signalCommand, name).toBe(vars.signalCommand);
    }
  });

  it('reads the plan template of planning and yolo, and the slug of the PR prompts', () => {
    expect(readPromptFacts(renderRole('planning', vars), 'planning').planTemplatePath).toBe(vars.planTemplatePath);
    expect(readPromptFacts(renderRole('yolo', vars), 'yolo')).toMatchObject({
      planTemplatePath: vars.planTemplatePath,
      repoSlug: 'acme/widgets',
    });
    expect(readPromptFacts(renderRole('pr', vars), 'pr').repoSlug).toBe('acme/widgets');
    expect(readPromptFacts(renderRole('pr', { ...vars, repoSlug: '' }), 'pr').repoSlug).toBe('');
  });

  it('reads the PR status and the feedback section', () => {
    const feedback = '1. `src/a.js` line 3 (alice): rename x\n\n```file src/a.js\nconst y = 1;\n```';
    const facts = readPromptFacts(renderRole('pr-feedback', { ...vars, feedback, prStatus: 'Pull request #4 is OPEN.' }), 'pr-feedback');
    expect(facts.feedback).toBe(feedback);
    expect(facts.prStatus).toBe('Pull request #4 is OPEN.');
    expect(readPromptFacts(renderRole('yolo', { ...vars, prStatus: 'none yet' }), 'yolo').prStatus).toBe('none yet');
  });

  it('reads the CI fix-round cap and the update strategy of the PR prompts', () => {
    for (const name of ['pr', 'pr-feedback', 'yolo']) {
      const prompt = renderRole(name, vars);
      const facts = readPromptFacts(prompt, detectRole(prompt) ?? 'pr');
      expect(facts.maxCiRounds, name).toBeGreaterThanOrEqual(1);
    }
    expect(readPromptFacts(renderRole('pr', { ...vars, maxCiRounds: '5' }), 'pr').maxCiRounds).toBe(5);
    expect(readPromptFacts('# Pull-request agent\n', 'pr').maxCiRounds).toBeUndefined();
    expect(readPromptFacts(renderRole('pr-feedback', { ...vars, strategy: 'merge' }), 'pr-feedback').updateStrategy).toBe('merge');
    expect(readPromptFacts(renderRole('yolo', { ...vars, strategy: 'rebase' }), 'yolo').updateStrategy).toBe('rebase');
    expect(readPromptFacts('# Pull-request agent\n', 'pr').updateStrategy).toBeUndefined();
  });
});

describe('findSignalCommand', () => {
  it('takes the command from a fenced line or an inline code span', () => {
    expect(findSignalCommand('Run:\n\n   ```\n   /x/sig plan-complete\n   ```')).toBe('/x/sig');
    expect(findSignalCommand('then run `/x/sig pr-complete`. Done.')).toBe('/x/sig');
    expect(findSignalCommand('```\n"/a b/sig" signal workflow-blocked --reason "<why>"\n```')).toBe('"/a b/sig" signal');
    expect(findSignalCommand('no command here, pr-complete')).toBeUndefined();
  });
});
