// Test helpers for the role brain: Bottega's real prompts rendered with test
// values, and a driver that plays the CLI's part (runs each Bash call, sends
// the result back in a fresh request) so step logic is tested end to end.
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPrompt } from '../../../../apps/server/src/prompts/registry';
import { renderPrompt } from '../../../../apps/server/src/prompts/render';
import { updateStrategySection } from '../../../../apps/server/src/engine/prompts';
import { assistant, request, toolResult, toolUse, user } from '../anthropic/brain.fixture';
import type { Brain } from '../anthropic/brain';
import type { MessagesRequest, WireMessage } from '../anthropic/wire';

export interface PromptVars {
  taskId?: string;
  taskTitle?: string;
  documentPath: string;
  worktreePath: string;
  branch?: string;
  baseBranch?: string;
  repoSlug?: string;
  signalCommand: string;
  planTemplatePath?: string;
  devServerPort?: string;
  prStatus?: string;
  feedback?: string;
  revisionNote?: string;
  /** The CI fix-round cap the PR prompts state (default 3). */
  maxCiRounds?: string;
  /** How the project brings a branch up to date (default rebase), as the server renders it. */
  strategy?: 'rebase' | 'merge';
}

/** One of Bottega's default prompts (by registry name) rendered with these values. */
export function renderRole(name: string, vars: PromptVars): string {
  const def = findPrompt(name);
  if (!def) throw new Error(`no prompt named ${name}`);
  const { strategy = 'rebase', ...rest } = vars;
  return renderPrompt(def.defaultContent, {
    taskId: '7',
    taskTitle: 'Add a greeting',
    branch: 'bottega/task-7',
    baseBranch: 'main',
    repoSlug: 'acme/widgets',
    planTemplatePath: '/nonexistent/plan-template.md',
    devServerPort: '4107',
    prStatus: 'There is no pull request for branch bottega/task-7 in acme/widgets yet.',
    feedback: '',
    revisionNote: '',
    maxCiRounds: '3',
    updateStrategy: updateStrategySection(strategy, vars.baseBranch ?? 'main', vars.branch ?? 'bottega/task-7'),
    ...rest,
  });
}

export function planTemplate(): string {
  const def = findPrompt('plan-template');
  if (!def) throw new Error('no plan template');
  return def.defaultContent;
}

/** A temp dir, plus a signal script there that appends its arguments to `signals.log`. */
export async function scratchDir(prefix = 'role-brain-'): Promise<{ dir: string; signalCommand: string; signalLog: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const script = join(dir, 'signal.sh');
  const signalLog = join(dir, 'signals.log');
  await writeFile(script, `#!/bin/sh\necho "$*" >> '${signalLog}'\necho "signal recorded: $1"\n`);
  await chmod(script, 0o755);
  return { dir, signalCommand: `'${script}' signal`, signalLog };
}

export interface ExecResult {
  output: string;
  isError: boolean;
}

export type Exec = (command: string) => ExecResult;

/** Runs commands with bash in `cwd` and reports them the way Claude Code's Bash tool does. */
export function bashExec(cwd: string, env: NodeJS.ProcessEnv = process.env): Exec {
  return (command) => {
    const r = spawnSync('bash', ['-c', command], { cwd, env, encoding: 'utf8' });
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
    if (r.status !== 0) return { output: `Exit code ${r.status ?? 1}\n${output}`, isError: true };
    return { output: output || '(Bash completed with no output)', isError: false };
  };
}

export interface Drive {
  /** Each tool call's input, in order. */
  calls: Record<string, unknown>[];
  commands: string[];
  descriptions: string[];
  final: string;
  /** The last request sent to the brain. */
  last: MessagesRequest;
}

/**
 * Plays the CLI: sends `messages`, executes every tool_use with `exec`
 * (`AskUserQuestion` goes to `answer`), sends a fresh request with the result,
 * until the brain ends its turn or `maxSteps` calls were made.
 */
export function drive(
  brain: Brain,
  start: WireMessage[] | string,
  exec: Exec,
  opts: { maxSteps?: number; answer?: (input: unknown) => ExecResult } = {},
): Drive {
  const messages: WireMessage[] = typeof start === 'string' ? [user(start)] : [...start];
  const out: Drive = { calls: [], commands: [], descriptions: [], final: '', last: request(messages) };
  for (let step = 0; step < (opts.maxSteps ?? 60); step++) {
    out.last = request([...messages]);
    const reply = brain(out.last);
    const block = reply.content.find((b) => b.type === 'tool_use');
    if (!block || block.type !== 'tool_use') {
      out.final = reply.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      return out;
    }
    const id = `t${step}`;
    const input = block.input;
    out.calls.push(input);
    const command = typeof input.command === 'string' ? input.command : '';
    if (block.name === 'Bash') {
      out.commands.push(command);
      out.descriptions.push(String(input.description));
    }
    const result = block.name === 'Bash' ? exec(command) : (opts.answer?.(input) ?? { output: 'no answer', isError: true });
    messages.push(assistant(toolUse(id, block.name, input)), user(toolResult(id, result.output, result.isError)));
  }
  throw new Error(`the brain made more than ${opts.maxSteps ?? 60} calls: ${out.descriptions.join(' | ')}`);
}

export function readLog(path: string): string[] {
  const r = spawnSync('cat', [path], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter((l) => l.length > 0) : [];
}

/** A repo at `<dir>/wt` on branch `bottega/task-7`, cut from `main`, with a bare `origin` at `<dir>/origin.git`. */
export function gitWorktree(dir: string): string {
  const wt = join(dir, 'wt');
  const who = '-c user.name=T -c user.email=t@example.invalid';
  const script = [
    `git init -q --bare '${join(dir, 'origin.git')}'`,
    `git init -q -b main '${wt}'`,
    `cd '${wt}'`,
    `echo base > base.txt && git add -A && git ${who} commit -q -m init`,
    `git remote add origin '${join(dir, 'origin.git')}' && git push -q origin main`,
    'git checkout -q -b bottega/task-7',
  ].join(' && ');
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git setup failed: ${r.stderr}`);
  return wt;
}

/** Answers `gh …` commands with `gh(command)`, runs everything else with bash. */
export function withFakeGh(real: Exec, gh: (command: string) => ExecResult): Exec {
  return (command) => (/(?:^|[;&|{(]\s*)gh\s/.test(command) ? gh(command) : real(command));
}
