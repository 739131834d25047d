// Chunk loading survives transient failures and gives up with the last error.
import { describe, expect, it } from 'vitest';
import { retryingImport } from './chunks';

describe('retryingImport', () => {
  it('retries a failing import until it loads', async () => {
    let calls = 0;
    const load = retryingImport(async () => {
      calls += 1;
      if (calls < 3) throw new TypeError('Failed to fetch dynamically imported module');
      return { Component: 'ok' };
    }, [1, 1, 1]);
    await expect(load()).resolves.toEqual({ Component: 'ok' });
    expect(calls).toBe(3);
  });

  it('rethrows once the retries are spent', async () => {
    let calls = 0;
    const load = retryingImport(async () => {
      calls += 1;
      throw new Error(`down ${calls}`);
    }, [1, 1]);
    await expect(load()).rejects.toThrow('down 3');
  });
});
