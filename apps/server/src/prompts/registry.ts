// The prompt registry (docs/behaviour/agents.md#prompts): every agent prompt and the plan template, with
// its label, kind, the variables it may use and its shipped default content.
//
// Defaults are TypeScript string constants (./defaults/*.ts), not .md files read
// at runtime: the server is bundled by esbuild into one file, and constants
// travel inside the bundle with nothing to locate on disk. Instance overrides
// are .md files under $BOTTEGA_HOME (see ./store.ts).
import type { PromptKind } from '@bottega/protocol';
import { IMPLEMENTATION } from './defaults/implementation';
import { PLAN_TEMPLATE } from './defaults/plan-template';
import { PLANNING, PLANNING_NONTECHNICAL } from './defaults/planning';
import { PR_FEEDBACK, PULL_REQUEST } from './defaults/pr';
import { REFINEMENT } from './defaults/refinement';
import { REVIEW } from './defaults/review';
import { YOLO } from './defaults/yolo';

/** `prompt`: rendered with variables. `template`: read verbatim by the agent (an API type, packages/protocol). */
export type { PromptKind };

/** The signals an agent sends by running `{{signalCommand}} <signal>` (docs/behaviour/agents.md#signals). */
export type PromptSignal = 'plan-complete' | 'workflow-complete' | 'workflow-blocked' | 'pr-complete';

export interface PromptDef {
  name: string;
  label: string;
  kind: PromptKind;
  /** The variables the content may use; the run starter supplies every one of them. */
  variables: readonly string[];
  /** The signals this role sends (empty: the role must not signal). */
  signals: readonly PromptSignal[];
  defaultContent: string;
}

/** Supplied to every agent prompt by the run starter. `repoSlug` is empty without a GitHub remote. */
export const COMMON_VARIABLES = [
  'taskId',
  'taskTitle',
  'documentPath',
  'worktreePath',
  'branch',
  'baseBranch',
  'repoSlug',
  'signalCommand',
  'planTemplatePath',
  'devServerPort',
] as const;

/** Supplied to planning runs: the user's note on the previous plan as a section ("Revise plan"), or empty. */
const WITH_REVISION_NOTE = [...COMMON_VARIABLES, 'revisionNote'] as const;

/**
 * Supplied to PR and YOLO runs: the pull request's state as the server saw it, the cap on CI fix
 * rounds in force for the project, and how the project brings a branch up to date (a sentence
 * naming rebasing or merging, and its commands).
 */
const WITH_PR_STATUS = [...COMMON_VARIABLES, 'prStatus', 'maxCiRounds', 'updateStrategy'] as const;

export const PROMPTS: readonly PromptDef[] = [
  {
    name: 'planning',
    label: 'Planning',
    kind: 'prompt',
    variables: WITH_REVISION_NOTE,
    signals: ['plan-complete'],
    defaultContent: PLANNING,
  },
  {
    name: 'planning-nontechnical',
    label: 'Planning (non-technical user)',
    kind: 'prompt',
    variables: WITH_REVISION_NOTE,
    signals: ['plan-complete'],
    defaultContent: PLANNING_NONTECHNICAL,
  },
  {
    name: 'implementation',
    label: 'Implementation',
    kind: 'prompt',
    variables: COMMON_VARIABLES,
    signals: [],
    defaultContent: IMPLEMENTATION,
  },
  {
    name: 'review',
    label: 'Review',
    kind: 'prompt',
    variables: COMMON_VARIABLES,
    signals: ['workflow-complete', 'workflow-blocked'],
    defaultContent: REVIEW,
  },
  {
    name: 'refinement',
    label: 'Refinement',
    kind: 'prompt',
    variables: COMMON_VARIABLES,
    signals: [],
    defaultContent: REFINEMENT,
  },
  {
    name: 'pr',
    label: 'Pull request',
    kind: 'prompt',
    variables: WITH_PR_STATUS,
    signals: ['pr-complete'],
    defaultContent: PULL_REQUEST,
  },
  {
    name: 'pr-feedback',
    label: 'Pull request feedback',
    kind: 'prompt',
    variables: [...WITH_PR_STATUS, 'feedback'],
    signals: ['pr-complete'],
    defaultContent: PR_FEEDBACK,
  },
  {
    name: 'yolo',
    label: 'YOLO',
    kind: 'prompt',
    variables: WITH_PR_STATUS,
    signals: ['workflow-complete', 'workflow-blocked', 'pr-complete'],
    defaultContent: YOLO,
  },
  {
    name: 'plan-template',
    label: 'Plan template',
    kind: 'template',
    variables: [],
    signals: [],
    defaultContent: PLAN_TEMPLATE,
  },
];

/** The registry entry named `name`, or undefined. */
export function findPrompt(name: string): PromptDef | undefined {
  return PROMPTS.find((p) => p.name === name);
}
