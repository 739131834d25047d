// The scripted "model": decides each reply from the request alone (stateless,
// so resumed sessions work), obeying `[[…]]` directives found in the prompt.
import { builtinDirectives, parseSteps } from './directives';
import type { DirectiveSet, Step } from './directives';
import { readTurn } from './history';
import type { ToolCall, TurnView } from './history';
import { checkSchema } from './schema-check';
import type { MessagesRequest, StopReason, WireTool } from './wire';

/** A reply block before the server assigns ids and signatures. */
export type DraftBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string }
  | { type: 'tool_use'; name: string; input: Record<string, unknown> };

export interface BrainReply {
  content: DraftBlock[];
  stopReason: StopReason;
  /** Extra wait before the response starts (from `[[sleep: ms]]`). */
  delayMs: number;
}

/** Anything that can answer a Messages request; the server takes one as an option. */
export type Brain = (request: MessagesRequest) => BrainReply;

export interface BrainOptions {
  /** The directive set; default `builtinDirectives`. Spread it to add your own. */
  directives?: DirectiveSet;
  /** Text for requests without tools (the CLI's side requests). */
  sideReply?: string;
}

/** One model response of the plan: what precedes it, and the tool it calls (none = final). */
interface Segment {
  thinking: string[];
  delayMs: number;
  tool?: Extract<Step, { kind: 'tool' }>;
}

function plan(steps: Step[]): { segments: Segment[]; say?: string } {
  const segments: Segment[] = [];
  let say: string | undefined;
  let current: Segment = { thinking: [], delayMs: 0 };
  for (const step of steps) {
    if (step.kind === 'think') current.thinking.push(step.text);
    else if (step.kind === 'sleep') current.delayMs += step.ms;
    else if (step.kind === 'say') say = step.text;
    else {
      segments.push({ ...current, tool: step });
      current = { thinking: [], delayMs: 0 };
    }
  }
  segments.push(current);
  return { segments, say };
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim().length > 0) ?? '';
  return line.trim().slice(0, 300);
}

/** The default final text: "Done." plus the first line of each tool result. */
export function summarize(calls: ToolCall[]): string {
  if (calls.length === 0) return 'Done.';
  const parts = calls.map((c, i) => `${i + 1}. ${c.name}${c.isError ? ' (error)' : ''}: ${firstLine(c.result ?? '(no result)')}`);
  return `Done. ${parts.join(' ')}`;
}

function findTool(tools: WireTool[], name: string): WireTool | undefined {
  return tools.find((t) => t.name === name) ?? tools.find((t) => t.name.toLowerCase() === name.toLowerCase());
}

function text(content: string, delayMs = 0): BrainReply {
  return { content: [{ type: 'text', text: content }], stopReason: 'end_turn', delayMs };
}

function replyFor(turn: TurnView, tools: WireTool[], directives: DirectiveSet): BrainReply {
  const { segments, say } = plan(parseSteps(turn.prompt, directives));
  const done = turn.calls.length;
  const segment = segments[Math.min(done, segments.length - 1)];
  if (!segment) return text('[fake brain] empty plan');
  const thinking: DraftBlock[] = segment.thinking.map((t) => ({ type: 'thinking', thinking: t }));
  if (!segment.tool) {
    const final: DraftBlock = { type: 'text', text: say ?? summarize(turn.calls) };
    return { content: [...thinking, final], stopReason: 'end_turn', delayMs: segment.delayMs };
  }
  const tool = findTool(tools, segment.tool.tool);
  if (!tool) {
    return text(`[fake brain] tool ${segment.tool.tool} is not offered; tools: ${tools.map((t) => t.name).join(', ')}`);
  }
  const input = typeof segment.tool.input === 'function' ? segment.tool.input(tool) : segment.tool.input;
  const problems = checkSchema(tool.input_schema, input);
  if (problems.length > 0) return text(`[fake brain] input for ${tool.name} breaks its schema: ${problems.join('; ')}`);
  const call: DraftBlock = { type: 'tool_use', name: tool.name, input };
  return { content: [...thinking, call], stopReason: 'tool_use', delayMs: segment.delayMs };
}

/** A stateless brain over the given directive set. */
export function createBrain(options: BrainOptions = {}): Brain {
  const directives = options.directives ?? builtinDirectives;
  return (request) => {
    const tools = request.tools ?? [];
    if (tools.length === 0) return text(options.sideReply ?? 'Scripted reply.');
    const turn = readTurn(request);
    if (!turn) return text('[fake brain] no prompt found in the request');
    try {
      return replyFor(turn, tools, directives);
    } catch (err) {
      return text(`[fake brain] ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}

/** The default brain with the built-in directives. */
export const scriptedBrain: Brain = createBrain();
