// Translates between the Responses API and the scripted brain's Messages
// terms, so one brain drives Codex too. Codex's shell tool `exec_command
// {cmd}` is offered to the brain as `Bash {command}`; its tool output (a
// header, then `Output:`) comes back as the plain output, non-zero exits as
// errors. A command still running after its yield becomes a `write_stdin`
// poll the fake sends on its own, and the polls fold back into one result.
import type { BrainReply } from '@bottega/simulator';
import type { MessagesRequest, WireBlock, WireMessage, WireTool } from '@bottega/simulator';
import type { InputContent, InputItem, OutputItem, ResponsesRequest, ResponsesTool } from './wire';

/** Codex's shell tool and its polling companion. */
export const EXEC_TOOL = 'exec_command';
export const POLL_TOOL = 'write_stdin';

/** The longest wait Codex honours before a command yields (ms). */
const MAX_YIELD_MS = 30_000;

const BASH_TOOL: WireTool = {
  name: 'Bash',
  description: 'Runs a shell command (Codex exec_command).',
  input_schema: {
    type: 'object',
    properties: { command: { type: 'string' }, description: { type: 'string' }, timeout: { type: 'number' } },
    required: ['command'],
    additionalProperties: false,
  },
};

/** What Codex's tool output says: the command's output, exit code, or a session still running. */
export interface ExecOutput {
  output: string;
  exitCode: number | null;
  runningSession: number | null;
}

export function parseExecOutput(raw: unknown): ExecOutput {
  const text =
    typeof raw === 'string'
      ? raw
      : Array.isArray(raw)
        ? (raw as InputContent[]).map((c) => c.text ?? '').join('')
        : JSON.stringify(raw ?? '');
  const marker = text.indexOf('\nOutput:\n');
  const header = marker >= 0 ? text.slice(0, marker) : '';
  const output = marker >= 0 ? text.slice(marker + '\nOutput:\n'.length) : text;
  const exit = /^Process exited with code (-?\d+)$/m.exec(header);
  const running = /^Process running with session ID (\d+)$/m.exec(header);
  // A call Codex refused or could not start ("exec_command failed: …") has no header: a failure.
  const refused = marker < 0 && /^exec_command failed/.test(text);
  return { output, exitCode: exit ? Number(exit[1]) : refused ? -1 : null, runningSession: running ? Number(running[1]) : null };
}

function textOf(content: string | InputContent[]): string[] {
  if (typeof content === 'string') return [content];
  return content.filter((c) => typeof c.text === 'string').map((c) => c.text as string);
}

function parseArgs(args: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(args);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function toWireTool(tool: ResponsesTool): WireTool | null {
  if (tool.type === 'function' && tool.name === EXEC_TOOL) return BASH_TOOL;
  if (tool.type === 'function' && tool.name === POLL_TOOL) return null;
  const name = tool.name ?? tool.type;
  return {
    name,
    ...(tool.description ? { description: tool.description } : {}),
    ...(tool.parameters ? { input_schema: tool.parameters } : {}),
  };
}

interface OpenCall {
  block: Extract<WireBlock, { type: 'tool_result' }>;
  output: string;
}

/**
 * The request as the brain sees it. Developer and system messages join the
 * instructions as the system prompt; the rest keep their order.
 */
export function toMessagesRequest(request: ResponsesRequest): MessagesRequest {
  const system: string[] = request.instructions ? [request.instructions] : [];
  const messages: WireMessage[] = [];
  const callNames = new Map<string, string>();
  /** exec sessions still running: session id → the call whose result they extend. */
  const sessions = new Map<number, OpenCall>();
  const pollSession = new Map<string, number>();
  for (const item of request.input as InputItem[]) {
    if (item.type === 'message') {
      const m = item as Extract<InputItem, { type: 'message' }>;
      const texts = textOf(m.content);
      if (m.role === 'developer' || m.role === 'system') system.push(...texts);
      else messages.push({ role: m.role === 'assistant' ? 'assistant' : 'user', content: texts.map((t) => ({ type: 'text', text: t })) });
    } else if (item.type === 'function_call') {
      const c = item as Extract<InputItem, { type: 'function_call' }>;
      callNames.set(c.call_id, c.name);
      const args = parseArgs(c.arguments);
      if (c.name === POLL_TOOL) {
        if (typeof args.session_id === 'number') pollSession.set(c.call_id, args.session_id);
        continue;
      }
      const isExec = c.name === EXEC_TOOL;
      const input = isExec ? { command: typeof args.cmd === 'string' ? args.cmd : '', ...extrasOf(c.call_id) } : args;
      messages.push({ role: 'assistant', content: [{ type: 'tool_use', id: c.call_id, name: isExec ? 'Bash' : c.name, input }] });
    } else if (item.type === 'function_call_output') {
      const o = item as Extract<InputItem, { type: 'function_call_output' }>;
      const name = callNames.get(o.call_id);
      if (name === EXEC_TOOL || name === POLL_TOOL) {
        const parsed = parseExecOutput(o.output);
        const session = pollSession.get(o.call_id);
        const open = session === undefined ? undefined : sessions.get(session);
        let target: OpenCall;
        if (open) {
          open.output += parsed.output;
          target = open;
          if (session !== undefined) sessions.delete(session);
        } else {
          target = { block: { type: 'tool_result', tool_use_id: o.call_id, content: '' }, output: parsed.output };
          messages.push({ role: 'user', content: [target.block] });
        }
        target.block.content = target.output;
        target.block.is_error = parsed.exitCode !== null && parsed.exitCode !== 0;
        if (parsed.runningSession !== null) sessions.set(parsed.runningSession, target);
      } else {
        const content = typeof o.output === 'string' ? o.output : JSON.stringify(o.output);
        messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: o.call_id, content }] });
      }
    }
  }
  const tools = (request.tools ?? []).map(toWireTool).filter((t): t is WireTool => t !== null);
  return { model: request.model, system: system.join('\n\n'), messages, tools, stream: request.stream === true };
}

/** The session of the last exec call when it is still running (the fake polls it instead of asking the brain). */
export function runningSession(request: ResponsesRequest): number | null {
  const last = request.input.at(-1);
  if (!last || last.type !== 'function_call_output') return null;
  return parseExecOutput((last as Extract<InputItem, { type: 'function_call_output' }>).output).runningSession;
}

export type IdSource = (prefix: string) => string;

/**
 * The brain's Bash input beyond the command (its step `description`, a
 * timeout) has no place in `exec_command {cmd}`: it rides in the call id,
 * which Codex sends back verbatim, so the brain stays stateless.
 */
function callIdWith(id: string, extras: Record<string, unknown>): string {
  return Object.keys(extras).length === 0 ? id : `${id}.${Buffer.from(JSON.stringify(extras)).toString('base64url')}`;
}

export function extrasOf(callId: string): Record<string, unknown> {
  const dot = callId.indexOf('.');
  if (dot < 0) return {};
  try {
    const v: unknown = JSON.parse(Buffer.from(callId.slice(dot + 1), 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function pollItem(session: number, newId: IdSource): OutputItem {
  const callId = newId('call');
  return {
    type: 'function_call',
    id: newId('fc'),
    call_id: callId,
    name: POLL_TOOL,
    arguments: JSON.stringify({ session_id: session, chars: '', yield_time_ms: MAX_YIELD_MS }),
    status: 'completed',
  };
}

/** The brain's reply as Responses output items (thinking → reasoning, Bash → exec_command). */
export function toOutputItems(reply: BrainReply, newId: IdSource): OutputItem[] {
  return reply.content.map((block): OutputItem => {
    switch (block.type) {
      case 'thinking':
        return { type: 'reasoning', id: newId('rs'), summary: [{ type: 'summary_text', text: block.thinking }] };
      case 'text':
        return {
          type: 'message',
          id: newId('msg'),
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: block.text, annotations: [] }],
        };
      case 'tool_use': {
        const input = block.input;
        const isBash = block.name === 'Bash';
        const timeout = typeof input.timeout === 'number' ? input.timeout : MAX_YIELD_MS;
        const args = isBash ? { cmd: String(input.command ?? ''), yield_time_ms: Math.min(MAX_YIELD_MS, Math.max(250, timeout)) } : input;
        const { command: _command, ...extras } = input;
        const callId = isBash ? callIdWith(newId('call'), extras) : newId('call');
        return {
          type: 'function_call',
          id: newId('fc'),
          call_id: callId,
          name: isBash ? EXEC_TOOL : block.name,
          arguments: JSON.stringify(args),
          status: 'completed',
        };
      }
    }
  });
}
