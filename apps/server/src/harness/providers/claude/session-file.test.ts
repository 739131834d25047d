// Tests for finding the transcript entry of a tool call in Claude Code's
// session file (the shape recorded from Claude Code 2.1.331).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findToolUseEntry } from './session-file';

const SESSION = '3a6b2ccb-f8e6-4ea4-8fa0-8c5754401abc';
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bottega-session-'));
  await mkdir(join(dir, 'projects', '-tmp-work'), { recursive: true });
  const lines = [
    { type: 'queue-operation' },
    { type: 'user', uuid: 'u1', message: { role: 'user', content: [{ type: 'text', text: 'ask me toolu_1' }] } },
    'not json toolu_1',
    { type: 'assistant', uuid: 'a1', message: { content: [{ type: 'tool_use', id: 'toolu_1', name: 'AskUserQuestion', input: {} }] } },
    { type: 'user', uuid: 'u2', message: { content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'x' }] } },
  ];
  await writeFile(
    join(dir, 'projects', '-tmp-work', `${SESSION}.jsonl`),
    lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'),
  );
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('findToolUseEntry', () => {
  it('returns the uuid of the assistant entry holding the tool_use', async () => {
    expect(await findToolUseEntry(dir, SESSION, 'toolu_1')).toBe('a1');
  });

  it('returns null for an unknown call, session, or a malformed session id', async () => {
    expect(await findToolUseEntry(dir, SESSION, 'toolu_2')).toBeNull();
    expect(await findToolUseEntry(dir, '00000000-0000-0000-0000-000000000000', 'toolu_1')).toBeNull();
    expect(await findToolUseEntry(dir, '../../etc/passwd', 'toolu_1')).toBeNull();
    expect(await findToolUseEntry(join(dir, 'nowhere'), SESSION, 'toolu_1')).toBeNull();
  });
});
