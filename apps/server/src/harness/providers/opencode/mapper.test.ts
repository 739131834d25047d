import type { Event } from '@opencode-ai/sdk/v2/client';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../contract';
import { classifySessionError } from './errors';
import { ABORT_TURN, ERROR_TURN, ERROR_TURN_SESSION, TOOL_TURN, TOOL_TURN_SESSION } from './mapper.fixtures';
import { createMapperState, mapOpencodeEvent, resultMessage } from './mapper';
import { parseModel } from './config';

const mapAll = (events: Event[], sessionId: string) => {
  const state = createMapperState(sessionId);
  const messages = events.flatMap((e) => mapOpencodeEvent(e, state));
  return { state, messages };
};

describe('the OpenCode mapper on recorded events', () => {
  it('maps a tool turn to tool_use, tool_result, text deltas and the final text; skips the user prompt', () => {
    const { state, messages } = mapAll(TOOL_TURN, TOOL_TURN_SESSION);
    const kinds = messages.map((m) => m.type);
    expect(kinds.filter((k) => k !== 'stream_delta')).toEqual(['tool_use', 'tool_result', 'assistant']);
    expect(messages.find((m) => m.type === 'tool_use')).toMatchObject({
      name: 'bash',
      input: { command: 'echo hello > out.txt && cat out.txt' },
    });
    expect(messages.find((m) => m.type === 'tool_result')).toMatchObject({ output: 'hello\n', isError: false });
    const deltas = messages.filter((m) => m.type === 'stream_delta');
    expect(deltas.map((d) => (d.type === 'stream_delta' ? d.text : '')).join('')).toBe('Done. 1. Bash: hello');
    expect(messages.every((m) => m.providerSessionId === TOOL_TURN_SESSION)).toBe(true);
    expect(state.idle).toBe(true);
    expect(state.error).toBeNull();
    expect(state.usage.outputTokens).toBe(53 + 7);
    const result = resultMessage(state, 'success', 10);
    expect(result).toMatchObject({ type: 'result', status: 'success', text: 'Done. 1. Bash: hello', contextUsage: { usedTokens: 7739 } });
  });

  it('is idempotent on ids: the same events map to the same ids', () => {
    const a = mapAll(TOOL_TURN, TOOL_TURN_SESSION)
      .messages.filter((m) => m.type !== 'stream_delta')
      .map((m) => m.id);
    const b = mapAll(TOOL_TURN, TOOL_TURN_SESSION)
      .messages.filter((m) => m.type !== 'stream_delta')
      .map((m) => m.id);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
  });

  it('drops every event of another session', () => {
    expect(mapAll(TOOL_TURN, 'ses_someone_else').messages).toEqual([]);
    expect(mapAll(TOOL_TURN, 'ses_someone_else').state.idle).toBe(false);
  });

  it('records a model error and classifies it fatal', () => {
    const { state, messages } = mapAll(ERROR_TURN, ERROR_TURN_SESSION);
    expect(messages.map((m) => (m.type === 'system' ? m.subtype : m.type))).toEqual(['error']);
    expect(state.error?.name).toBe('APIError');
    const err = classifySessionError(state.error ?? { name: 'UnknownError', data: { message: '' } });
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'fatal', code: 'invalid_request' });
  });

  it('treats an abort as no error, and still sees the idle', () => {
    const sid = (ABORT_TURN.find((e) => e.type === 'session.idle') as Extract<Event, { type: 'session.idle' }>).properties.sessionID;
    const { state, messages } = mapAll(ABORT_TURN, sid);
    expect(state.error).toBeNull();
    expect(state.idle).toBe(true);
    expect(messages.filter((m) => m.type === 'tool_use')).toHaveLength(1);
    expect(messages.filter((m) => m.type === 'tool_result')).toHaveLength(0);
  });

  it('keeps unknown events of the session as system/unknown', () => {
    const state = createMapperState('ses_x');
    const odd = { id: 'evt_1', type: 'question.asked', properties: { sessionID: 'ses_x', id: 'q1', questions: [] } } as unknown as Event;
    expect(mapOpencodeEvent(odd, state)).toMatchObject([{ type: 'system', subtype: 'unknown', raw: odd }]);
  });

  it('classifies auth and rate-limit failures', () => {
    const api = (statusCode: number) => ({ name: 'APIError' as const, data: { message: 'x', statusCode, isRetryable: false } });
    expect(classifySessionError(api(401))).toMatchObject({ code: 'auth', kind: 'fatal' });
    expect(classifySessionError(api(429))).toMatchObject({ code: 'rate_limit', kind: 'fatal' });
    expect(classifySessionError(api(503))).toMatchObject({ code: 'network', kind: 'fatal' });
  });

  it('reads run models as provider/model', () => {
    expect(parseModel('custom/gpt-4.1')).toEqual({ providerID: 'custom', modelID: 'gpt-4.1' });
    expect(parseModel('opencode/a/b')).toEqual({ providerID: 'opencode', modelID: 'a/b' });
    expect(parseModel('plain')).toBeNull();
  });
});
