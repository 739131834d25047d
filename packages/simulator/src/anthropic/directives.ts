// The brain's built-in directives: what `[[bash: …]]`, `[[ask: …]]` and friends
// mean as steps, and `directive.*` builders so tests never hand-write syntax.
import { readObject, readText, safeJson, scanDirectives, writeText } from './directive-syntax';
import type { WireTool } from './wire';

/** Builds a tool input once the tool's definition (from the request) is known. */
export type ToolInputBuilder = (tool: WireTool) => Record<string, unknown>;

/**
 * One step of a scripted turn. A `tool` step ends a model response with a
 * tool_use; `think` and `sleep` attach to the next response; `say` sets the
 * final text.
 */
export type Step =
  | { kind: 'tool'; tool: string; input: Record<string, unknown> | ToolInputBuilder }
  | { kind: 'think'; text: string }
  | { kind: 'say'; text: string }
  | { kind: 'sleep'; ms: number };

/** Interprets a directive's body; throw to report a malformed directive. */
export type DirectiveParser = (body: string) => Step;

export type DirectiveSet = Readonly<Record<string, DirectiveParser>>;

export interface AskOption {
  label: string;
  description?: string;
}

export interface AskSpec {
  question: string;
  options: (string | AskOption)[];
  header?: string;
}

function bashStep(body: string): Step {
  let spec: Record<string, unknown> = { command: readText(body) };
  if (body.startsWith('{')) {
    try {
      spec = readObject('bash', body);
    } catch {
      // Not JSON: a shell group such as `{ a; b; }` is a command too.
    }
  }
  const command = spec.command;
  if (typeof command !== 'string' || command.length === 0) throw new Error('[[bash]]: empty command');
  const description = typeof spec.description === 'string' ? spec.description : `Run ${command.split('\n')[0]?.slice(0, 60)}`;
  return { kind: 'tool', tool: 'Bash', input: { command, description } };
}

function readAsk(body: string): AskSpec {
  if (body.startsWith('{')) {
    const o = readObject('ask', body);
    if (typeof o.question !== 'string' || !Array.isArray(o.options)) throw new Error('[[ask]]: needs question and options');
    return { question: o.question, options: o.options as AskSpec['options'], header: typeof o.header === 'string' ? o.header : undefined };
  }
  const [question = '', ...options] = body.split('|').map((s) => s.trim());
  return { question, options };
}

/** The AskUserQuestion input the CLI's schema asks for: one single-choice question. */
export function askInput(spec: AskSpec): Record<string, unknown> {
  const options = spec.options.map((o) => (typeof o === 'string' ? { label: o } : o));
  if (options.length < 2) options.push(...[{ label: 'Yes' }, { label: 'No' }].slice(options.length));
  return {
    questions: [
      {
        question: spec.question,
        header: (spec.header ?? 'Question').slice(0, 12),
        options: options.map((o) => ({ label: o.label, description: o.description ?? `Choose ${o.label}` })),
        multiSelect: false,
      },
    ],
  };
}

function toolStep(body: string): Step {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(body);
  if (!m?.[1]) throw new Error('[[tool]]: needs a tool name');
  return { kind: 'tool', tool: m[1], input: m[2] ? readObject('tool', m[2]) : {} };
}

function sleepStep(body: string): Step {
  const ms = Number(body);
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`[[sleep]]: not a duration in ms: ${body}`);
  return { kind: 'sleep', ms };
}

/** The directives every brain understands. Extend by spreading into a new set. */
export const builtinDirectives: DirectiveSet = {
  bash: bashStep,
  think: (body) => ({ kind: 'think', text: readText(body) }),
  say: (body) => ({ kind: 'say', text: readText(body) }),
  ask: (body) => {
    const spec = readAsk(body);
    return { kind: 'tool', tool: 'AskUserQuestion', input: () => askInput(spec) };
  },
  sleep: sleepStep,
  tool: toolStep,
};

/** The steps a prompt asks for, in order; unknown directive names are ignored. */
export function parseSteps(text: string, directives: DirectiveSet = builtinDirectives): Step[] {
  const steps: Step[] = [];
  for (const raw of scanDirectives(text)) {
    const parse = directives[raw.name];
    if (parse) steps.push(parse(raw.body));
  }
  return steps;
}

/** Builders for prompt text; each returns one directive, join them with spaces or newlines. */
export const directive = {
  bash: (command: string, description?: string): string =>
    description === undefined ? writeText('bash', command) : `[[bash: ${safeJson({ command, description })}]]`,
  think: (text: string): string => writeText('think', text),
  say: (text: string): string => writeText('say', text),
  sleep: (ms: number): string => `[[sleep: ${Math.round(ms)}]]`,
  ask: (question: string, options: (string | AskOption)[], header?: string): string => {
    const plain = header === undefined && options.every((o) => typeof o === 'string');
    const parts = [question, ...(options as string[])];
    const safe = plain && parts.every((p) => writeText('x', p, ['|']) === `[[x: ${p}]]`);
    return safe ? `[[ask: ${parts.join(' | ')}]]` : `[[ask: ${safeJson({ question, options, header })}]]`;
  },
  tool: (name: string, input: Record<string, unknown> = {}): string => `[[tool: ${name} ${safeJson(input)}]]`,
};
