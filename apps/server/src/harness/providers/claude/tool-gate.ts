// The SDK's canUseTool callback: routes AskUserQuestion to the runtime's
// onQuestion (the turn parks until the user answers) and allows everything
// else. Measured on Claude Code 2.1.331: the CLI consults canUseTool for
// AskUserQuestion even under bypassPermissions (the SDK still warns once per
// query that canUseTool "will not be invoked"; for this tool it is).
//
// The answer goes back as the tool's updated input: the original input plus
// `answers`, a map from each question's text to the chosen label (several
// labels comma-separated for multiSelect, or free text). The CLI then writes
// the tool result itself, e.g. `The user answered: "Which color?"="Blue". …`.
import type { CanUseTool, PermissionResult } from '@anthropic-ai/claude-agent-sdk';
import type { TurnOptions } from '../../contract';
import { ASK_USER_TOOL, parseQuestions } from './mapper';

export interface ToolGateEvents {
  /** A question is waiting for the user (true) or was answered (false): no model traffic meanwhile. */
  onWaiting(waiting: boolean): void;
}

export function createToolGate(turn: Pick<TurnOptions, 'onQuestion' | 'permissionMode'>, events: ToolGateEvents): CanUseTool {
  return async (toolName, input, { signal, toolUseID }): Promise<PermissionResult> => {
    if (toolName === 'ExitPlanMode' && turn.permissionMode === 'plan') {
      // A planning turn must not switch itself into editing.
      return { behavior: 'deny', message: 'Stay in plan mode: present the plan as your reply instead of leaving plan mode.' };
    }
    if (toolName !== ASK_USER_TOOL) return { behavior: 'allow', updatedInput: input };
    const questions = parseQuestions(input);
    if (!questions) return { behavior: 'deny', message: 'The questions were malformed; ask again with 1-4 questions of 2-4 options each.' };
    if (!turn.onQuestion) {
      return {
        behavior: 'deny',
        message: 'Nobody can answer questions in this run. Decide yourself, state your assumption, and continue.',
      };
    }
    events.onWaiting(true);
    try {
      const answers = await new Promise<Record<string, string>>((resolve, reject) => {
        const onAbort = () => reject(new Error('the turn was aborted while a question was open'));
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        (turn.onQuestion as NonNullable<TurnOptions['onQuestion']>)({ toolUseId: toolUseID, questions }).then(
          (a) => {
            signal.removeEventListener('abort', onAbort);
            resolve(a);
          },
          (err: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(err instanceof Error ? err : new Error(String(err)));
          },
        );
      });
      return { behavior: 'allow', updatedInput: { ...input, answers } };
    } catch (err) {
      return { behavior: 'deny', message: `The question was not answered: ${(err as Error).message}`, interrupt: true };
    } finally {
      events.onWaiting(false);
    }
  };
}
