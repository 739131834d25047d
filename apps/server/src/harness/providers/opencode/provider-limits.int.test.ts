// The OpenCode provider against the fake's limits with the REAL server:
// OpenCode waits out any retry-after itself, so a short one completes the
// turn, and a retry announced far ahead (a usage limit's reset) ends the
// turn at once as usage_limit with that reset, the session aborted.
import { directive } from '@bottega/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../contract';
import { drain, typesOf } from '../claude/provider.fixture';
import { createOpencodeWorld, type OpencodeWorld } from './provider.fixture';

let w: OpencodeWorld;
beforeEach(async () => {
  w = await createOpencodeWorld();
  await w.connect(1, 'sk-opencode-limits');
});
afterEach(async () => {
  await w.close();
});

describe('OpenCode limits', () => {
  it('completes the turn when OpenCode waits out a short retry-after', async () => {
    w.fake.rateLimitNext({ retryAfterS: 1 });
    const { messages, error } = await drain(w.provider.startTurn(await w.turn(1, directive.say('after the wait'))));
    expect(error).toBeNull();
    expect(typesOf(messages)).toContain('system/retry');
    expect(messages.at(-1)).toMatchObject({ type: 'result', status: 'success', text: 'after the wait' });
    expect(w.fake.agentRequests().map((r) => r.response?.status)).toEqual([429, 200]);
  });

  it('ends the turn as usage_limit when OpenCode would wait until a far reset', async () => {
    const resetAt = new Date(Date.now() + 3 * 3600_000);
    w.fake.usageLimitUntil(resetAt);
    const started = Date.now();
    const handle = w.provider.startTurn(await w.turn(1, directive.say('never')));
    const { messages, error } = await drain(handle);
    // Nowhere near the three hours OpenCode itself would wait (a loaded machine starts it slowly).
    expect(Date.now() - started).toBeLessThan(90_000);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'opencode', kind: 'transient', code: 'usage_limit' });
    // OpenCode schedules the retry retry-after seconds after it got the 429.
    const reset = (error as ProviderError).resetAt?.getTime() ?? 0;
    expect(Math.abs(reset - resetAt.getTime())).toBeLessThan(5_000);
    expect(messages.at(-1)).toMatchObject({ type: 'result', status: 'error' });
    expect(w.fake.agentRequests()).toHaveLength(1);
    // The aborted session takes the next turn once the limit is lifted.
    w.fake.usageLimitUntil(new Date(0));
    const next = w.provider.sendTurnMessage({ ...(await w.turn(1, directive.say('resumed'))), resumeSessionId: await handle.sessionId });
    const resumed = await drain(next);
    expect(resumed.error).toBeNull();
    expect(resumed.messages.at(-1)).toMatchObject({ type: 'result', status: 'success', text: 'resumed' });
  });
});
