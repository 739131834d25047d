// Tests for the canUseTool gate: AskUserQuestion goes to onQuestion and the
// answers come back as `answers` in the updated input; other tools are allowed.
import { describe, expect, it } from 'vitest';
import type { QuestionRequest, TurnOptions } from '../../contract';
import { askInput } from './mapper.fixtures';
import { createToolGate } from './tool-gate';

const opts = (signal = new AbortController().signal) => ({ signal, toolUseID: 'toolu_9', requestId: 'r' });

function gate(turn: Partial<Pick<TurnOptions, 'onQuestion' | 'permissionMode'>>) {
  const waiting: boolean[] = [];
  const g = createToolGate({ permissionMode: 'bypass', ...turn }, { onWaiting: (w) => waiting.push(w) });
  return { g, waiting };
}

describe('createToolGate', () => {
  it('allows ordinary tools unchanged', async () => {
    const { g } = gate({});
    expect(await g('Bash', { command: 'ls' }, opts())).toEqual({ behavior: 'allow', updatedInput: { command: 'ls' } });
  });

  it('asks onQuestion and returns the answers inside the updated input', async () => {
    const seen: QuestionRequest[] = [];
    const { g, waiting } = gate({ onQuestion: (q) => (seen.push(q), Promise.resolve({ 'Which color?': 'Blue' })) });
    const result = await g('AskUserQuestion', askInput, opts());
    expect(seen).toEqual([{ toolUseId: 'toolu_9', questions: askInput.questions }]);
    expect(result).toEqual({ behavior: 'allow', updatedInput: { ...askInput, answers: { 'Which color?': 'Blue' } } });
    expect(waiting).toEqual([true, false]);
  });

  it('denies when nobody can answer, when the input is malformed, or when the turn is aborted', async () => {
    expect(await gate({}).g('AskUserQuestion', askInput, opts())).toMatchObject({
      behavior: 'deny',
      message: expect.stringContaining('Nobody can answer'),
    });
    const asking = gate({ onQuestion: () => Promise.resolve({}) });
    expect(await asking.g('AskUserQuestion', { questions: 'x' }, opts())).toMatchObject({
      behavior: 'deny',
      message: expect.stringContaining('malformed'),
    });
    const ac = new AbortController();
    const parked = gate({ onQuestion: () => new Promise(() => undefined) });
    const pending = parked.g('AskUserQuestion', askInput, opts(ac.signal));
    ac.abort();
    expect(await pending).toMatchObject({ behavior: 'deny', interrupt: true });
    expect(parked.waiting).toEqual([true, false]);
  });

  it('keeps a planning turn in plan mode', async () => {
    expect(await gate({ permissionMode: 'plan' }).g('ExitPlanMode', {}, opts())).toMatchObject({ behavior: 'deny' });
    expect(await gate({ permissionMode: 'bypass' }).g('ExitPlanMode', {}, opts())).toMatchObject({ behavior: 'allow' });
  });
});
