// Codex's context figure from its session file: the last token_count wins,
// lines cut by the tail window or foreign events are skipped, and a file
// without one reports nothing rather than a guess.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../../../testing/log-capture';
import { contextFromSessionLog, readThreadContext } from './context';

const { logger, lines } = captureLogs();
const deps = { logger };

const tokenCount = (input: number, output: number, window: number | null) =>
  JSON.stringify({
    type: 'event_msg',
    payload: {
      type: 'token_count',
      info: {
        total_token_usage: { input_tokens: 99999 },
        last_token_usage: { input_tokens: input, output_tokens: output },
        model_context_window: window,
      },
    },
  });

const dir = await mkdtemp(join(tmpdir(), 'codex-context-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('Codex context use', () => {
  it('takes the last token_count of the log', () => {
    const log = [
      '{"type":"session_meta"}',
      tokenCount(1000, 10, 258400),
      '{"type":"response_item"}',
      tokenCount(2500, 40, 258400),
      'cut {"type":"token_count"',
    ].join('\n');
    expect(contextFromSessionLog(log)).toEqual({ usedTokens: 2540, windowTokens: 258400, breakdown: null });
    expect(contextFromSessionLog(tokenCount(5, 1, null))).toEqual({ usedTokens: 6, windowTokens: null, breakdown: null });
    expect(contextFromSessionLog('{"type":"event_msg","payload":{"type":"token_count","info":null}}')).toBeNull();
    expect(contextFromSessionLog('')).toBeNull();
  });

  it("finds the thread's session file under CODEX_HOME/sessions", async () => {
    const day = join(dir, 'sessions', '2026', '11', '25');
    await mkdir(day, { recursive: true });
    await writeFile(join(day, 'rollout-2026-11-25T10-00-00-0199aaaa-bbbb.jsonl'), `${tokenCount(7000, 70, 200000)}\n`);
    await writeFile(join(day, 'rollout-2026-11-25T11-00-00-0199cccc-dddd.jsonl'), `${tokenCount(1, 1, 200000)}\n`);
    expect(await readThreadContext(deps, dir, '0199aaaa-bbbb')).toEqual({ usedTokens: 7070, windowTokens: 200000, breakdown: null });
    expect(await readThreadContext(deps, dir, '0199eeee-ffff')).toBeNull();
    expect(await readThreadContext(deps, dir, '../../etc/passwd')).toBeNull();
    expect(await readThreadContext(deps, undefined, '0199aaaa-bbbb')).toBeNull();
    expect(lines).toEqual([]);
  });

  it('reports nothing for a CODEX_HOME without sessions, silently: no sessions yet is not a failure', async () => {
    lines.length = 0;
    expect(await readThreadContext(deps, join(dir, 'nowhere'), '0199aaaa-bbbb')).toBeNull();
    expect(lines).toEqual([]);
  });
});
