// The run-start body: a note goes only with planning, and is never empty.
import { describe, expect, it } from 'vitest';
import { StartRunBody } from './api';

describe('StartRunBody', () => {
  it('takes a note with planning, trimmed', () => {
    expect(StartRunBody.parse({ agentType: 'planification', note: '  keep greet  ' })).toEqual({
      agentType: 'planification',
      note: 'keep greet',
    });
    expect(StartRunBody.parse({ agentType: 'review' })).toEqual({ agentType: 'review' });
  });

  it('refuses a note with another role, an empty note, and control characters', () => {
    expect(StartRunBody.safeParse({ agentType: 'implementation', note: 'x' }).success).toBe(false);
    expect(StartRunBody.safeParse({ agentType: 'planification', note: '   ' }).success).toBe(false);
    expect(StartRunBody.safeParse({ agentType: 'planification', note: 'a\u0007b' }).success).toBe(false);
  });
});
