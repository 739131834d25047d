// Reads Bottega's rendered role prompts: which role a prompt is for (keyed on
// the templates' stable headings and opening sentences) and the task's facts.

export type AgentRole = 'planning' | 'planning-nontechnical' | 'implementation' | 'review' | 'refinement' | 'pr' | 'pr-feedback' | 'yolo';

/** Checked in order: the more specific prompt (feedback, non-technical) first. */
const HEADINGS: readonly (readonly [RegExp, AgentRole])[] = [
  [/^# Pull-request feedback agent[ \t]*$/m, 'pr-feedback'],
  [/^# Pull-request agent[ \t]*$/m, 'pr'],
  [/^# Implementation agent[ \t]*$/m, 'implementation'],
  [/^# Review agent[ \t]*$/m, 'review'],
  [/^# Refinement agent[ \t]*$/m, 'refinement'],
  [/^# YOLO agent[ \t]*$/m, 'yolo'],
  [/^# Planning agent[ \t]*$/m, 'planning'],
];

/** Opening sentences, matched with whitespace collapsed (for overrides that renamed the heading). */
const PHRASES: readonly (readonly [string, AgentRole])[] = [
  ["A reviewer left feedback on the task's pull request", 'pr-feedback'],
  ['You are the pull-request agent for task', 'pr'],
  ['You are the implementation agent for task', 'implementation'],
  ['You are the review agent for task', 'review'],
  ['You are the refinement agent for task', 'refinement'],
  ['You do the whole of task', 'yolo'],
  ['You are the planning agent for task', 'planning'],
];

const NONTECHNICAL = 'The user who asked for this is not technical.';

/** The Bottega role a prompt is for, or undefined for any other prompt. */
export function detectRole(prompt: string): AgentRole | undefined {
  const flat = prompt.replace(/\s+/g, ' ');
  const role = HEADINGS.find(([re]) => re.test(prompt))?.[1] ?? PHRASES.find(([p]) => flat.includes(p))?.[1];
  if (role === 'planning' && flat.includes(NONTECHNICAL)) return 'planning-nontechnical';
  return role;
}

export interface PromptFacts {
  role: AgentRole;
  taskId?: string;
  taskTitle?: string;
  documentPath?: string;
  worktreePath?: string;
  branch?: string;
  baseBranch?: string;
  /** `''` when the prompt names no GitHub repository (no remote). */
  repoSlug?: string;
  /** The command line before the signal name, e.g. `'/usr/bin/node' '/x/bin/bottega.js' signal`. */
  signalCommand?: string;
  planTemplatePath?: string;
  prStatus?: string;
  /** The feedback section of the PR-feedback prompt. */
  feedback?: string;
  /** The CI fix-round cap (`At most **N** fix rounds in all.`). */
  maxCiRounds?: number;
  /** How a branch is brought up to date (`… up to date by **rebasing**.` / `**merging**`). */
  updateStrategy?: 'rebase' | 'merge';
}

const SIGNALS = 'plan-complete|workflow-complete|workflow-blocked|pr-complete';

/** The signal command line: from a fenced line or an inline code span ending in a signal name. */
export function findSignalCommand(prompt: string): string | undefined {
  const fenced = new RegExp(`^\`\`\`[^\\n]*\\n[ \\t]*(\\S[^\\n]*?)[ \\t]+(?:${SIGNALS})\\b`, 'm');
  const inline = new RegExp(`\`([^\`\\n]+?)[ \\t]+(?:${SIGNALS})\\b[^\`\\n]*\``);
  for (const re of [fenced, inline]) {
    const m = re.exec(prompt.replace(/^[ \t]+```/gm, '```'));
    if (m?.[1]) return m[1].trim();
  }
  return undefined;
}

function first(prompt: string, patterns: readonly RegExp[]): string | undefined {
  for (const re of patterns) {
    const m = re.exec(prompt);
    if (m?.[1] !== undefined) return m[1].trim();
  }
  return undefined;
}

function between(prompt: string, start: RegExp, end: RegExp): string | undefined {
  const s = start.exec(prompt);
  if (!s) return undefined;
  const rest = prompt.slice(s.index + s[0].length);
  const e = end.exec(rest);
  return (e ? rest.slice(0, e.index) : rest).trim();
}

/** Everything the role brain needs from a rendered Bottega prompt (fields absent when not found). */
export function readPromptFacts(prompt: string, role: AgentRole): PromptFacts {
  const where = /`([^`\n]+)`\s*\(branch\s*`([^`\n]*)`,\s*(?:base|cut from)\s*`([^`\n]*)`\)/.exec(prompt);
  const task = /\btask (\S+?), "([^\n]*)"(?=[,.](?:\s|$))/.exec(prompt);
  const facts: PromptFacts = {
    role,
    taskId: task?.[1],
    taskTitle: task?.[2],
    documentPath: first(prompt, [/[Tt]ask document[^`\n]{0,30}?:\s*`([^`\n]+)`/]),
    worktreePath: where?.[1],
    branch: where?.[2],
    baseBranch: where?.[3],
    repoSlug: first(prompt, [/GitHub repository:\s*`([^`\n]*)`/]),
    signalCommand: findSignalCommand(prompt),
    planTemplatePath: first(prompt, [/[Pp]lan template(?: at)?:?\s*`([^`\n]+)`/]),
    prStatus:
      between(prompt, /^## Pull-request status when this run started[ \t]*\n/m, /^Trust this as a starting point|^## /m) ??
      first(prompt, [/pull-request status at start:\s*([^\n]*)/]),
    feedback: between(prompt, /^## The feedback[ \t]*\n/m, /^The feedback above comes from GitHub|^## /m),
  };
  const cap = /At most \*\*(\d+)\*\* fix rounds in all/.exec(prompt);
  if (cap?.[1] !== undefined) facts.maxCiRounds = Number(cap[1]);
  const strategy = /brings a branch up to date by \*\*(rebasing|merging)\*\*/.exec(prompt)?.[1];
  if (strategy !== undefined) facts.updateStrategy = strategy === 'merging' ? 'merge' : 'rebase';
  return facts;
}
