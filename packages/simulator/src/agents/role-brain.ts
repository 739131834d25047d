// A brain that plays each Bottega role like a competent coding agent: it finds
// the role in the prompt, works out from the history what is done, and answers
// with the next Bash call (one per response) or the final text. Stateless.
import { createBrain } from '../anthropic/brain';
import type { Brain, BrainReply } from '../anthropic/brain';
import { checkSchema } from '../anthropic/schema-check';
import type { MessagesRequest } from '../anthropic/wire';
import { resolveOptions } from './context';
import type { Action, RoleBrainOptions, RoleContext } from './context';
import { readRoleConversation, stepLog } from './conversation';
import { implementationRole } from './implementation';
import { planningRole } from './planning';
import { prFeedbackRole } from './pr-feedback';
import type { AgentRole } from './prompt-facts';
import { pullRequestRole } from './pull-request';
import { refinementRole } from './refinement';
import { reviewRole } from './review';
import { yoloRole } from './yolo';

const ROLES: Readonly<Record<AgentRole, (ctx: RoleContext) => Action>> = {
  planning: planningRole,
  'planning-nontechnical': planningRole,
  implementation: implementationRole,
  review: reviewRole,
  refinement: refinementRole,
  pr: pullRequestRole,
  'pr-feedback': prFeedbackRole,
  yolo: yoloRole,
};

function text(content: string): BrainReply {
  return { content: [{ type: 'text', text: content }], stopReason: 'end_turn', delayMs: 0 };
}

/** The next action for a request that carries a Bottega role prompt; undefined for any other request. */
export function nextRoleAction(request: MessagesRequest, options: RoleBrainOptions = {}): Action | undefined {
  const conversation = readRoleConversation(request);
  if (!conversation) return undefined;
  const ctx: RoleContext = {
    facts: conversation.facts,
    steps: stepLog(conversation.calls),
    options: resolveOptions(options),
    tools: (request.tools ?? []).map((t) => t.name),
  };
  try {
    return ROLES[conversation.facts.role](ctx);
  } catch (err) {
    return { kind: 'done', text: `[role brain] ${conversation.facts.role}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * A brain for `startFakeAnthropic({ brain })` that plays planning,
 * implementation, review, refinement, PR, PR feedback and YOLO from Bottega's
 * rendered prompts. Other prompts go to `options.fallback` (the directive brain).
 */
export function createRoleBrain(options: RoleBrainOptions = {}): Brain {
  const fallback = options.fallback ?? createBrain(options.sideReply === undefined ? {} : { sideReply: options.sideReply });
  return (request) => {
    const tools = request.tools ?? [];
    if (tools.length === 0) return text(options.sideReply ?? 'Scripted reply.');
    const action = nextRoleAction(request, options);
    if (!action) return fallback(request);
    if (action.kind === 'done') return text(action.text);
    const tool = tools.find((t) => t.name === action.tool);
    if (!tool) return text(`[role brain] tool ${action.tool} is not offered; tools: ${tools.map((t) => t.name).join(', ')}`);
    const problems = checkSchema(tool.input_schema, action.input);
    if (problems.length > 0) return text(`[role brain] input for ${tool.name} breaks its schema: ${problems.join('; ')}`);
    return { content: [{ type: 'tool_use', name: tool.name, input: action.input }], stopReason: 'tool_use', delayMs: 0 };
  };
}
