// Codex's failure texts (as the CLI printed them against the fake) classified.
import { describe, expect, it } from 'vitest';
import { classifyThrown, classifyTurnFailure } from './errors';

describe('classifyTurnFailure', () => {
  it.each([
    ['unexpected status 401 Unauthorized: Incorrect API key provided., url: http://127.0.0.1:1/v1/responses', 'fatal', 'auth'],
    ['exceeded retry limit, last status: 429 Too Many Requests', 'transient', 'rate_limit'],
    ['We’re currently experiencing high demand, which may cause temporary errors.', 'transient', 'overloaded'],
    ['Selected model is at capacity. Please try a different model.', 'transient', 'overloaded'],
    ['{"error":{"message":"bad","type":"invalid_request_error","code":"invalid_request_error","param":null}}', 'fatal', 'invalid_request'],
    ['stream disconnected before completion: idle timeout waiting for SSE', 'transient', 'stalled'],
    ['error sending request for url (http://127.0.0.1:1/v1/responses)', 'transient', 'network'],
  ])('%s → %s/%s', (text, kind, code) => {
    expect(classifyTurnFailure([text])).toMatchObject({ provider: 'openai', kind, code });
  });
});

describe('classifyThrown', () => {
  it('treats a missing binary as fatal and a crash as transient', () => {
    expect(classifyThrown(Object.assign(new Error('spawn codex ENOENT'), { code: 'ENOENT' }))).toMatchObject({
      kind: 'fatal',
      code: 'process',
    });
    expect(classifyThrown(new Error('Codex Exec exited with signal SIGSEGV'))).toMatchObject({ kind: 'transient', code: 'process' });
  });
});
