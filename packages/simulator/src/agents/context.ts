// What every role's step function gets (the prompt's facts, the calls so far,
// the options) and returns (one tool call or the final text), plus shared steps.
import type { Brain } from '../anthropic/brain';
import { outputOf } from './conversation';
import type { StepLog } from './conversation';
import type { PromptFacts } from './prompt-facts';
import { findMarker } from './request';
import { catCommand } from './shell';
import type { GitIdentity } from './shell';

export interface RoleBrainOptions {
  /** The test command when the request names none with `[[test: …]]`; default `npm test`. */
  testCommand?: string;
  /** The identity passed to `git -c user.name=… -c user.email=… commit`. */
  gitIdentity?: GitIdentity;
  /** Seconds slept before each CI poll (`sleep N; gh pr view …`); default 1. */
  pollIntervalSeconds?: number;
  /** Polls after each push before giving up with a report; default 20. */
  maxPolls?: number;
  /** Polls that may see no checks at all before CI counts as green; default 3. */
  emptyChecksPolls?: number;
  /** Planning asks the user to confirm the testing strategy when AskUserQuestion is offered; default false. */
  confirmTestingStrategy?: boolean;
  /** Answers requests that are not Bottega role prompts; default the directive brain. */
  fallback?: Brain;
  /** Text for requests without tools (the CLI's side requests). */
  sideReply?: string;
}

export type ResolvedOptions = Required<Omit<RoleBrainOptions, 'fallback' | 'sideReply'>>;

export function resolveOptions(options: RoleBrainOptions): ResolvedOptions {
  return {
    testCommand: options.testCommand ?? 'npm test',
    gitIdentity: options.gitIdentity ?? { name: 'Bottega Agent', email: 'agent@bottega.invalid' },
    pollIntervalSeconds: options.pollIntervalSeconds ?? 1,
    maxPolls: options.maxPolls ?? 20,
    emptyChecksPolls: options.emptyChecksPolls ?? 3,
    confirmTestingStrategy: options.confirmTestingStrategy ?? false,
  };
}

/** One model response: a tool call, or the final text that ends the turn. */
export type Action = { kind: 'call'; tool: string; input: Record<string, unknown> } | { kind: 'done'; text: string };

export interface RoleContext {
  facts: PromptFacts;
  steps: StepLog;
  options: ResolvedOptions;
  /** Names of the tools the request offers. */
  tools: readonly string[];
}

/** A role (or a phase of one): the next action, or undefined when the phase is over. */
export type Phase = (ctx: RoleContext) => Action | undefined;

export function bash(description: string, command: string, timeoutMs?: number): Action {
  return { kind: 'call', tool: 'Bash', input: { command, description, ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }) } };
}

export function done(text: string): Action {
  return { kind: 'done', text };
}

/** A fact the role cannot work without is missing from the prompt. */
export class MissingFactError extends Error {
  constructor(fact: string) {
    super(`the prompt does not give the ${fact}`);
    this.name = 'MissingFactError';
  }
}

export function need<K extends keyof PromptFacts>(facts: PromptFacts, key: K): NonNullable<PromptFacts[K]> {
  const value = facts[key];
  if (value === undefined || value === null || value === '') throw new MissingFactError(String(key));
  return value as NonNullable<PromptFacts[K]>;
}

/** Reads the task document under this step name (or the read's output, once it ran). */
export function readDocument(ctx: RoleContext, description: string): Action | string {
  const call = ctx.steps.find(description);
  if (!call) return bash(description, catCommand(need(ctx.facts, 'documentPath')));
  if (call.isError) throw new Error(`cannot read the task document: ${outputOf(call).split('\n')[0] ?? ''}`);
  return outputOf(call);
}

/**
 * Runs `<signalCommand> <args>` under this step name, once more if the first
 * attempt failed (the prompts say: read the error, retry once). Undefined once
 * it has run.
 */
export function signalStep(ctx: RoleContext, description: string, args: string): Action | undefined {
  const attempts = ctx.steps.count(description);
  const last = ctx.steps.find(description);
  if (attempts === 0 || (last?.isError === true && attempts < 2)) return bash(description, `${need(ctx.facts, 'signalCommand')} ${args}`);
  return undefined;
}

/** The text with its first letter upper-cased. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** How a signal step went, for the final summary. */
export function signalOutcome(ctx: RoleContext, description: string, name: string): string {
  const last = ctx.steps.find(description);
  if (!last) return `did not signal ${name}`;
  return last.isError ? `the ${name} signal failed: ${outputOf(last).split('\n')[0] ?? ''}` : `signalled ${name}`;
}

/** The test command: the request's `[[test: …]]` marker, else the option. */
export function testCommandFor(doc: string, options: ResolvedOptions): string {
  return findMarker(doc, 'test') ?? options.testCommand;
}

/** A blocked reason safe inside double quotes (the prompts forbid quotes, backticks and dollars). */
export function plainReason(reason: string): string {
  return (
    reason
      .replace(/["`$\\]/g, '')
      .replace(/\s+/g, ' ')
      .trim() || 'a human must look at this task'
  );
}

export function blockedSignalArgs(reason: string): string {
  return `workflow-blocked --reason "${plainReason(reason)}"`;
}

/** The last lines of a command's output, each line shortened, for findings and reports. */
export function tail(output: string, lines = 40): string {
  const all = output.replace(/\s+$/, '').split('\n');
  const kept = all.slice(-lines).map((l) => (l.length > 300 ? `${l.slice(0, 297)}...` : l));
  return (all.length > lines ? ['...', ...kept] : kept).join('\n');
}
