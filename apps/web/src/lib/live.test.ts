// Once the server confirms a subscription, what its channel keeps live is read
// again: data read before the confirmation may have missed events, including a
// read still in flight at that moment, which is read again when it ends; a read
// begun within the channel's quiet (as the server tells it) is left alone.
import { describe, expect, it } from 'vitest';
import { QueryClient, QueryObserver, type QueryKey } from '@tanstack/react-query';
import { keys } from './keys';
import { rereadChannel, trackReads } from './live';

/** A query shown on screen (observed), answering each read with the next value a test releases. */
function shown(qc: QueryClient, queryKey: QueryKey) {
  const pending: ((value: string) => void)[] = [];
  const observer = new QueryObserver<string>(qc, {
    queryKey,
    queryFn: () => new Promise<string>((resolve) => pending.push(resolve)),
  });
  const off = observer.subscribe(() => undefined);
  return {
    reads: () => pending.length,
    /** Answers the latest read. */
    answer: async (value: string) => {
      pending.at(-1)?.(value);
      await new Promise((r) => setTimeout(r, 0));
    },
    data: () => qc.getQueryData<string>(queryKey),
    off,
  };
}

function client(): QueryClient {
  const qc = new QueryClient();
  trackReads(qc);
  return qc;
}

describe('rereadChannel', () => {
  it("reads a project's board and details again once subscribed, and leaves other projects alone", async () => {
    const qc = client();
    const column = shown(qc, keys.taskColumn(3, 'in_progress'));
    const runs = shown(qc, keys.activeRuns(3));
    const other = shown(qc, keys.activeRuns(4));
    for (const q of [column, runs, other]) await q.answer('before');

    rereadChannel(qc, { projectId: 3 });
    expect([column.reads(), runs.reads(), other.reads()]).toEqual([2, 2, 1]);
    await column.answer('after');
    expect(column.data()).toBe('after');
    expect(other.data()).toBe('before');
  });

  it('reads again a read that was in flight when the subscription was confirmed, once it ends', async () => {
    const qc = client();
    const runs = shown(qc, keys.activeRuns(3));
    expect(runs.reads()).toBe(1);

    rereadChannel(qc, { projectId: 3 });
    expect(runs.reads()).toBe(1);
    // The first read may have been served before the subscription took effect.
    await runs.answer('served before');
    expect(runs.reads()).toBe(2);
    await runs.answer('served after');
    expect(runs.data()).toBe('served after');
    expect(runs.reads()).toBe(2);
  });

  it("reads a task's page and the conversation open on it again; a query not on screen is only marked stale", async () => {
    const qc = client();
    const task = shown(qc, keys.task(7));
    const messages = shown(qc, keys.messages(12));
    for (const q of [task, messages]) await q.answer('before');
    qc.setQueryData(keys.taskRuns(7), []);

    rereadChannel(qc, { taskId: 7 });
    expect([task.reads(), messages.reads()]).toEqual([2, 2]);
    expect(qc.getQueryState(keys.taskRuns(7))?.isInvalidated).toBe(true);
    expect(qc.getQueryState(keys.task(8))).toBeUndefined();
  });

  it('forgets a read in flight whose query leaves the cache', async () => {
    const qc = client();
    const runs = shown(qc, keys.activeRuns(3));
    rereadChannel(qc, { projectId: 3 });
    runs.off();
    qc.removeQueries({ queryKey: keys.activeRuns(3) });
    await runs.answer('late');
    expect(runs.reads()).toBe(1);
    expect(qc.getQueryCache().findAll({ queryKey: keys.activeRuns(3) })).toEqual([]);
  });

  it("leaves alone the reads begun within the channel's quiet, done or in flight, and reads again those begun before", async () => {
    const qc = client();
    const column = shown(qc, keys.taskColumn(3, 'pending'));
    await column.answer('read long ago');
    await new Promise((r) => setTimeout(r, 5));
    const quietSince = performance.now();
    const runs = shown(qc, keys.activeRuns(3));
    const project = shown(qc, keys.project(3));
    await project.answer('read just now');

    // The channel has been quiet since after the column's read began, before the other two.
    const at = performance.now();
    rereadChannel(qc, { projectId: 3, quietMs: at - quietSince, at });
    expect([column.reads(), runs.reads(), project.reads()]).toEqual([2, 1, 1]);
    await runs.answer('in flight');
    expect(runs.reads()).toBe(1);

    // Without what the server said, everything is read again.
    rereadChannel(qc, { projectId: 3 });
    expect([runs.reads(), project.reads()]).toEqual([2, 2]);
  });
});
