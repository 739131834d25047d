// The rollup rules for CI checks: failure beats error beats pending beats success.
import { describe, expect, it } from 'vitest';
import { combinedStatus, rollupState, statusContextState, validateCheckSpec } from './checks';
import type { CheckSpec } from './checks';

const run = (status: CheckSpec['status'], conclusion?: CheckSpec['conclusion']): CheckSpec => ({ name: 'x', status, conclusion });
const status = (conclusion?: CheckSpec['conclusion']): CheckSpec => ({
  name: 's',
  status: conclusion ? 'completed' : 'in_progress',
  conclusion,
  kind: 'status',
});

describe('rollupState', () => {
  it.each<[string, CheckSpec[], string | null]>([
    ['no checks', [], null],
    ['all green', [run('completed', 'success'), run('completed', 'skipped'), run('completed', 'neutral')], 'SUCCESS'],
    ['one running', [run('completed', 'success'), run('in_progress')], 'PENDING'],
    ['queued', [run('queued')], 'PENDING'],
    ['a failure wins over pending', [run('in_progress'), run('completed', 'failure')], 'FAILURE'],
    ['cancelled run fails', [run('completed', 'cancelled')], 'FAILURE'],
    ['timed-out status is an error', [status('timed_out')], 'ERROR'],
    ['failing status', [status('failure'), run('completed', 'success')], 'FAILURE'],
    ['pending status', [status()], 'PENDING'],
  ])('%s', (_, checks, expected) => {
    expect(rollupState(checks)).toBe(expected);
  });
});

describe('commit statuses', () => {
  it('maps a status check to StatusContext states', () => {
    expect(statusContextState(status())).toBe('PENDING');
    expect(statusContextState(status('success'))).toBe('SUCCESS');
    expect(statusContextState(status('failure'))).toBe('FAILURE');
    expect(statusContextState(status('cancelled'))).toBe('ERROR');
  });

  it('combines only commit statuses for the REST combined status', () => {
    expect(combinedStatus([run('completed', 'failure')])).toBe('pending');
    expect(combinedStatus([status('success'), run('completed', 'failure')])).toBe('success');
    expect(combinedStatus([status('failure')])).toBe('failure');
  });
});

describe('validateCheckSpec', () => {
  it('requires a conclusion exactly when completed', () => {
    expect(() => validateCheckSpec(run('completed'))).toThrow(/no conclusion/);
    expect(() => validateCheckSpec(run('queued', 'success'))).toThrow(/has a conclusion/);
    expect(() => validateCheckSpec(run('completed', 'success'))).not.toThrow();
  });
});
