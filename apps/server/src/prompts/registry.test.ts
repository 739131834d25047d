// Registry consistency: defaults use only their allowed variables, signal
// exactly as their role may (docs/behaviour/agents.md#signals), render with the run starter's
// variables, and the plan template carries every section the agents rely on.
import { agentTypes } from '@bottega/protocol';
import { describe, expect, it } from 'vitest';
import { promptNameFor } from '../engine/prompts';
import { COMMON_VARIABLES, findPrompt, PROMPTS } from './registry';
import { renderPrompt, variablesUsed } from './render';

const prompts = PROMPTS.filter((p) => p.kind === 'prompt');
const SIGNALLING = ['planning', 'planning-nontechnical', 'review', 'yolo', 'pr', 'pr-feedback'];
const SILENT = ['implementation', 'refinement'];

describe('the prompt registry', () => {
  it('has every role of docs/behaviour/agents.md#roles and the plan template, each name once', () => {
    const names = PROMPTS.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual([...SIGNALLING, ...SILENT, 'plan-template'].sort());
    expect(findPrompt('plan-template')?.kind).toBe('template');
    expect(findPrompt('nope')).toBeUndefined();
  });

  it('has a prompt for every agent role the run starter can ask for', () => {
    for (const agentType of agentTypes) {
      for (const technical of [true, false]) {
        for (const feedback of [true, false]) {
          expect(findPrompt(promptNameFor(agentType, technical, feedback))?.kind).toBe('prompt');
        }
      }
    }
  });

  it.each(prompts.map((p) => [p.name, p] as const))('%s uses only its allowed variables', (_name, p) => {
    const unknown = variablesUsed(p.defaultContent).filter((v) => !p.variables.includes(v));
    expect(unknown).toEqual([]);
    expect(p.variables).toEqual(expect.arrayContaining([...COMMON_VARIABLES]));
  });

  it.each(prompts.map((p) => [p.name, p] as const))('%s renders with every allowed variable and leaves no placeholder', (_name, p) => {
    const vars = Object.fromEntries(p.variables.map((v) => [v, `<${v}>`]));
    const out = renderPrompt(p.defaultContent, vars);
    expect(variablesUsed(out)).toEqual([]);
    expect(out).toContain('<taskId>');
    expect(p.defaultContent.split('\n').length).toBeLessThanOrEqual(125);
  });

  it.each(prompts.map((p) => [p.name, p] as const))('%s sends exactly the signals of its role', (_name, p) => {
    const sent = [...p.defaultContent.matchAll(/\{\{\s*signalCommand\s*\}\}\s+([a-z-]+)/g)].map((m) => m[1]);
    expect(new Set(sent)).toEqual(new Set(p.signals));
    if (p.signals.length === 0) expect(variablesUsed(p.defaultContent)).not.toContain('signalCommand');
  });

  it('signals in the roles that signal, and not in those that must not', () => {
    for (const name of SIGNALLING) expect(variablesUsed(findPrompt(name)?.defaultContent ?? '')).toContain('signalCommand');
    for (const name of SILENT) {
      expect(findPrompt(name)?.signals).toEqual([]);
      expect(variablesUsed(findPrompt(name)?.defaultContent ?? '')).not.toContain('signalCommand');
    }
    expect(findPrompt('review')?.signals).toEqual(['workflow-complete', 'workflow-blocked']);
    expect(findPrompt('yolo')?.signals).toEqual(['workflow-complete', 'workflow-blocked', 'pr-complete']);
  });

  it('states the behaviours the orchestration relies on', () => {
    const text = (name: string) => findPrompt(name)?.defaultContent ?? '';
    expect(text('planning')).toContain('{{planTemplatePath}}');
    expect(text('planning-nontechnical')).toMatch(/Technical decisions/);
    expect(text('review')).toMatch(/IN_PROGRESS[\s\S]*READY[\s\S]*NEEDS_WORK[\s\S]*BLOCKED/);
    expect(text('review')).toContain('--reason "');
    expect(text('implementation')).toMatch(/Never ask questions/);
    expect(text('implementation')).toMatch(/sub-agents/);
    expect(text('pr-feedback')).toContain('{{feedback}}');
    for (const name of ['pr', 'yolo']) {
      expect(text(name)).toContain('gh pr create --repo {{repoSlug}} --head {{branch}} --base {{baseBranch}}');
    }
    for (const name of ['pr', 'pr-feedback', 'yolo']) {
      expect(text(name)).toContain('{{prStatus}}');
      expect(text(name)).toContain('statusCheckRollup');
      // How the branch is brought up to date is the project's choice, rendered into this variable.
      expect(text(name)).toContain('{{updateStrategy}}');
      expect(text(name)).toContain('At most **{{maxCiRounds}}** fix rounds in all.');
      expect(text(name)).toMatch(/MERGEABLE[\s\S]*CONFLICTING[\s\S]*UNKNOWN/);
      expect(text(name)).toMatch(/never merge/i);
    }
  });
});

describe('the plan template', () => {
  const template = findPrompt('plan-template');

  it('is not rendered: it has no variables and uses none', () => {
    expect(template?.variables).toEqual([]);
    expect(variablesUsed(template?.defaultContent ?? '')).toEqual([]);
  });

  it('has every section, in order, with both checkbox groups', () => {
    const headings = [...(template?.defaultContent ?? '').matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]);
    const sections = headings.filter((h) => !h?.startsWith('Phase') && !['Unit tests', 'Manual / browser scenarios'].includes(h ?? ''));
    expect(sections).toEqual([
      'Original Request',
      'Overview',
      'Implementation Plan',
      'Testing Strategy',
      'To-Do List',
      'Implementation',
      'Testing',
      'Project Docs Update',
      'Review Findings',
    ]);
    expect(template?.defaultContent).toMatch(/### Implementation\n\n- \[ \] /);
    expect(template?.defaultContent).toMatch(/### Testing\n\n- \[ \] /);
  });
});
