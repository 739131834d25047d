// Transcript rows: tool calls paired with their results by toolUseId, results
// whose call is not loaded shown alone, drafts last, the pending question
// found in the transcript, and tool-input summaries and output previews.
import { describe, expect, it } from 'vitest';
import { colourQuestion, msg } from './chat-fixtures';
import { buildRows, outputPreview, pendingQuestionOf, sessionText, summarizeInput, OUTPUT_PREVIEW_LINES } from './rows';
import { applyMessage, emptyTranscript, mergeMessages } from './transcript';

describe('buildRows', () => {
  it('pairs each tool call with its result, wherever the result comes', () => {
    const t = mergeMessages(emptyTranscript(), [
      msg.user(1, 'go'),
      msg.toolUse(2, 'tu_a', 'Bash', { command: 'ls' }),
      msg.toolUse(3, 'tu_b', 'Read', { file_path: 'a.ts' }),
      msg.toolResult(4, 'tu_b', 'contents of a'),
      msg.toolResult(5, 'tu_a', 'boom', true),
      msg.assistant(6, 'done'),
    ]);
    const rows = buildRows(t);
    expect(rows.map((r) => r.kind)).toEqual(['user', 'tool', 'tool', 'assistant']);
    const [, a, b] = rows;
    expect(a?.kind === 'tool' && [a.call.toolUseId, a.result?.output, a.result?.isError]).toEqual(['tu_a', 'boom', true]);
    expect(b?.kind === 'tool' && [b.call.toolUseId, b.result?.output]).toEqual(['tu_b', 'contents of a']);
  });

  it('shows a call without result as pending and a result without its call alone', () => {
    const rows = buildRows(
      mergeMessages(emptyTranscript(), [
        msg.toolResult(10, 'tu_old', 'from an older page'),
        msg.toolUse(11, 'tu_new', 'Bash', { command: 'sleep 9' }),
      ]),
    );
    expect(rows.map((r) => r.kind)).toEqual(['orphan-result', 'tool']);
    expect(rows[1]?.kind === 'tool' && rows[1].result).toBeNull();
  });

  it('renders thinking, system and result messages and ends with the drafts', () => {
    let t = mergeMessages(emptyTranscript(), [msg.system(1, 'init'), msg.thinking(2, 'hmm'), msg.result(3)]);
    t = applyMessage(t, msg.delta('msg_5', 'text', 'stream'));
    const rows = buildRows(t);
    expect(rows.map((r) => r.kind)).toEqual(['session', 'thinking', 'result', 'draft']);
    expect(rows.map((r) => r.key)).toEqual(['s1', 't2', 'r3', 'draft:msg_5']);
  });
});

describe('instructions, session line and turn markers', () => {
  it('folds the role prompt of an agent run into its instructions', () => {
    const rows = buildRows(mergeMessages(emptyTranscript(), [msg.instructions(1, '# Plan the task'), msg.assistant(2, 'ok')]));
    expect(rows.map((r) => r.kind)).toEqual(['instructions', 'assistant']);
  });

  it('takes the first message of an older agent run for its instructions, but only when the start is loaded', () => {
    const t = mergeMessages(emptyTranscript(), [msg.user(1, '# Plan the task'), msg.assistant(2, 'ok'), msg.user(3, 'thanks')]);
    expect(buildRows(t, { agentRun: true }).map((r) => r.kind)).toEqual(['instructions', 'assistant', 'user']);
    expect(buildRows(t).map((r) => r.kind)).toEqual(['user', 'assistant', 'user']);
    expect(buildRows({ ...t, hasOlder: true }, { agentRun: true }).map((r) => r.kind)).toEqual(['user', 'assistant', 'user']);
  });

  it('says the session line once, and again only when it changes', () => {
    const rows = buildRows(
      mergeMessages(emptyTranscript(), [
        msg.system(1, 'Claude Code 2.1: model claude-sonnet-4-5, permission mode bypassPermissions'),
        msg.user(2, 'go'),
        msg.system(3, 'Claude Code 2.1 · claude-sonnet-4-5'),
        msg.user(4, 'again'),
        msg.system(5, 'Claude Code 2.1 · claude-opus-4-5'),
      ]),
    );
    expect(rows.map((r) => r.kind)).toEqual(['session', 'user', 'user', 'session']);
  });

  it('drops the permission mode from the session line', () => {
    expect(sessionText('Claude Code 2.1.331: model claude-sonnet-4-5, permission mode bypassPermissions')).toBe(
      'Claude Code 2.1.331 · claude-sonnet-4-5',
    );
    expect(sessionText('Claude Code 2.1.331 · claude-sonnet-4-5')).toBe('Claude Code 2.1.331 · claude-sonnet-4-5');
  });

  it('marks a turn stopped, interrupted or failed, and leaves other notes as they are', () => {
    const rows = buildRows(
      mergeMessages(emptyTranscript(), [
        msg.system(1, 'Stopped by ada.', 'stopped'),
        msg.system(2, 'The server stopped during this turn.', 'interrupted'),
        msg.system(3, 'credit exhausted', 'error'),
        msg.system(4, 'retrying', 'retry'),
      ]),
    );
    expect(rows.map((r) => (r.kind === 'marker' ? r.reason : r.kind))).toEqual(['stopped', 'interrupted', 'failed', 'system']);
  });
});

describe('row reuse', () => {
  it('keeps the row objects of unchanged messages and rebuilds a call once its result arrives', () => {
    const t1 = mergeMessages(emptyTranscript(), [msg.user(1, 'go'), msg.toolUse(2, 'tu_a', 'Bash', { command: 'ls' })]);
    const before = buildRows(t1);
    const t2 = mergeMessages(t1, [msg.toolResult(3, 'tu_a', 'a.ts')]);
    const after = buildRows(t2);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[1]?.kind === 'tool' && after[1].result?.output).toBe('a.ts');
    expect(buildRows(mergeMessages(t2, [msg.assistant(4, 'done')]))[1]).toBe(after[1]);
  });
});

describe('pendingQuestionOf', () => {
  it('finds the last unanswered AskUserQuestion call', () => {
    const t = mergeMessages(emptyTranscript(), [msg.user(1, 'ask me'), msg.toolUse(2, 'tu_q', 'AskUserQuestion', {}, [colourQuestion])]);
    expect(pendingQuestionOf(t)).toEqual({ toolUseId: 'tu_q', questions: [colourQuestion] });
  });

  it('is null once answered or after the user spoke again', () => {
    const asked = [msg.user(1, 'ask me'), msg.toolUse(2, 'tu_q', 'AskUserQuestion', {}, [colourQuestion])];
    expect(pendingQuestionOf(mergeMessages(emptyTranscript(), [...asked, msg.toolResult(3, 'tu_q', 'Blue')]))).toBeNull();
    expect(pendingQuestionOf(mergeMessages(emptyTranscript(), [...asked, msg.result(3), msg.user(4, 'never mind')]))).toBeNull();
    expect(pendingQuestionOf(mergeMessages(emptyTranscript(), [msg.toolUse(1, 'tu_x', 'Bash', { command: 'ls' })]))).toBeNull();
  });
});

describe('summaries', () => {
  it('describes a call by its most telling input field', () => {
    expect(summarizeInput('Bash', { command: 'npm test\n  -- --watch=false', description: 'Run tests' })).toBe('npm test -- --watch=false');
    expect(summarizeInput('Read', { file_path: 'src/a.ts' })).toBe('src/a.ts');
    expect(summarizeInput('AskUserQuestion', { questions: [colourQuestion] })).toBe('Which colour?');
    expect(summarizeInput('TodoWrite', { todos: [1, 2] })).toBe('2 items');
    expect(summarizeInput('Custom', { a: 1 })).toBe('{"a":1}');
    expect(summarizeInput('Bash', { command: 'x'.repeat(300) })).toHaveLength(120);
  });

  it('previews only long outputs', () => {
    expect(outputPreview('short\noutput')).toBeNull();
    const long = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    expect(outputPreview(long)?.split('\n')).toHaveLength(OUTPUT_PREVIEW_LINES);
  });
});
