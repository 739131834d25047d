// Reading a task keeps the task for its cache entry and the iteration cap
// that comes with it apart, for the pipeline strip.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import { keys } from './keys';
import { readTask } from './task-read';

afterEach(() => vi.unstubAllGlobals());

describe('readTask', () => {
  it('returns the task and records the instance iteration cap', async () => {
    const task = { id: 7, title: 'Add dark mode' };
    const fetch = vi.fn(
      async (_url: string) =>
        new Response(JSON.stringify({ task, maxIterations: 12 }), { status: 200, headers: { 'content-type': 'application/json' } }),
    );
    vi.stubGlobal('fetch', fetch);
    const qc = new QueryClient();
    expect(await readTask(qc, 7)).toEqual(task);
    expect(fetch.mock.calls[0]?.[0]).toBe('/api/tasks/7');
    expect(qc.getQueryData(keys.maxIterations)).toBe(12);
  });
});
