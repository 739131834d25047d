// The Codex mapper over recorded events: completed items only, commands as
// tool_use/tool_result pairs, other items under Bottega's tool names, usage
// on the result, unknown shapes kept as system/unknown, per-turn stable ids.
import type { ThreadEvent } from '@openai/codex-sdk';
import { describe, expect, it } from 'vitest';
import type { ProviderMessage } from '../../contract';
import { COMMAND_TURN, FAILED_TURN, OTHER_ITEMS, THREAD_ID } from './mapper.fixtures';
import { createCodexMapperContext, mapCodexEvent, unwrapShell } from './mapper';

function mapAll(events: ThreadEvent[], turnKey = 't1'): ProviderMessage[] {
  const ctx = createCodexMapperContext(turnKey, null, 1000);
  return events.flatMap((e) => mapCodexEvent(e, ctx, 1500));
}

describe('mapCodexEvent', () => {
  it('maps a command turn: warning, a Bash pair from the completed item only, the reply, a result with usage', () => {
    const out = mapAll(COMMAND_TURN);
    expect(out.map((m) => m.type)).toEqual(['system', 'tool_use', 'tool_result', 'assistant', 'result']);
    expect(out.every((m) => m.providerSessionId === THREAD_ID)).toBe(true);
    expect(out[0]).toMatchObject({ subtype: 'warning', text: expect.stringContaining('Model metadata') });
    expect(out[1]).toMatchObject({
      type: 'tool_use',
      name: 'Bash',
      toolUseId: 'codex:t1:item_1',
      input: { command: 'echo hi; ls /nonexist' },
    });
    expect(out[2]).toMatchObject({
      type: 'tool_result',
      toolUseId: 'codex:t1:item_1',
      isError: true,
      output: expect.stringContaining('hi\n'),
    });
    expect(out[4]).toMatchObject({
      type: 'result',
      status: 'success',
      text: 'all done',
      durationMs: 500,
      usage: { inputTokens: 200, outputTokens: 10, cacheReadTokens: 20, cacheWriteTokens: 0 },
    });
    expect(out[4]?.raw).toBe(COMMAND_TURN.at(-1));
  });

  it('gives the same ids when a turn is mapped again, and different ones in another turn', () => {
    const a = mapAll(COMMAND_TURN, 'turn-a').map((m) => m.id);
    expect(mapAll(COMMAND_TURN, 'turn-a').map((m) => m.id)).toEqual(a);
    expect(new Set(a).size).toBe(a.length);
    const b = mapAll(COMMAND_TURN, 'turn-b').map((m) => m.id);
    expect(b.some((id) => a.includes(id))).toBe(false);
  });

  it('records a failed turn as an error system message and an error result, noting the failure', () => {
    const ctx = createCodexMapperContext('t', null);
    const out = FAILED_TURN.flatMap((e) => mapCodexEvent(e, ctx));
    expect(out.map((m) => m.type)).toEqual(['system', 'result']);
    expect(out[1]).toMatchObject({ status: 'error', text: expect.stringContaining('429') });
    expect(ctx.failures).toHaveLength(2);
  });

  it('normalises reasoning, file changes, MCP calls, web searches and to-do lists', () => {
    const out = mapAll(OTHER_ITEMS);
    expect(out[0]).toMatchObject({ type: 'assistant_thinking', text: 'thinking it over' });
    const uses = out.filter((m) => m.type === 'tool_use');
    expect(uses.map((m) => m.type === 'tool_use' && m.name)).toEqual(['Edit', 'mcp__docs__search', 'WebSearch', 'TodoWrite']);
    expect(uses[0]).toMatchObject({ input: { file_path: 'src/a.ts' } });
    expect(uses[3]).toMatchObject({
      input: {
        todos: [
          { content: 'write', status: 'completed' },
          { content: 'test', status: 'pending' },
        ],
      },
    });
    const results = out.filter((m) => m.type === 'tool_result');
    expect(results.map((m) => m.type === 'tool_result' && m.output)).toEqual(['update src/a.ts\nadd src/b.ts', 'found', '', '1/2 done']);
  });

  it('keeps unknown items and events as system/unknown with their raw payload', () => {
    const item = { id: 'item_9', type: 'collab_agent_call', detail: 1 } as unknown as Extract<
      ThreadEvent,
      { type: 'item.completed' }
    >['item'];
    const event = { type: 'thread.compacted' } as unknown as ThreadEvent;
    const out = mapAll([{ type: 'item.completed', item }, event]);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ type: 'system', subtype: 'unknown', id: 'codex:t1:item_9', raw: item });
    expect(out[1]).toMatchObject({ type: 'system', subtype: 'unknown', raw: event });
    expect(out[0]?.id).not.toBe(out[1]?.id);
  });
});

describe('unwrapShell', () => {
  it("shows the command the model wrote, not Codex's shell wrapper", () => {
    expect(unwrapShell("/bin/bash -lc 'echo '\\''hi'\\'''")).toBe("echo 'hi'");
    expect(unwrapShell('ls -la')).toBe('ls -la');
    expect(unwrapShell(`/bin/bash -lc "cat '/tmp/a b.md'"`)).toBe("cat '/tmp/a b.md'");
    expect(unwrapShell(`/bin/bash -lc "sed -e 's/"'^/> /'"' f"`)).toBe("sed -e 's/^/> /' f");
    expect(unwrapShell(`/bin/bash -lc "echo \\"hi\\" \\$HOME"`)).toBe('echo "hi" $HOME');
  });
});
