import { describe, expect, it } from 'vitest';
import { FairQueue, PRIORITY, type QueueItem, type QueuePriority } from './fair-queue';

let seq = 0;
const item = (userId: number, priority: QueuePriority = PRIORITY.newWork, provider = 'anthropic'): QueueItem => {
  seq += 1;
  return { key: `run:${seq}`, userId, provider, priority, seq };
};

/** Takes items one by one as slots come free, every user allowed. */
function drain(q: FairQueue, itemMay?: (i: QueueItem) => boolean): QueueItem[] {
  const out: QueueItem[] = [];
  for (let next = q.next(() => true, itemMay); next; next = q.next(() => true, itemMay)) {
    q.remove(next.key);
    q.markServed(next.userId);
    out.push(next);
  }
  return out;
}

describe('the fair order', () => {
  it('takes users in turn, each in arrival order, though one user queued everything first', () => {
    const q = new FairQueue();
    const a = [item(1), item(1), item(1)];
    const b = [item(2), item(2)];
    const c = [item(3)];
    for (const i of [...a, ...b, ...c]) q.add(i);
    expect(drain(q).map((i) => i.key)).toEqual([a[0], b[0], c[0], a[1], b[1], a[2]].map((i) => i?.key));
  });

  it('puts a chained run ahead of its own user’s new work, and a chat turn ahead of both', () => {
    const q = new FairQueue();
    const fresh = item(1);
    const chained = item(1, PRIORITY.chained);
    const chat = item(1, PRIORITY.chat);
    for (const i of [fresh, chained, chat]) q.add(i);
    expect(drain(q).map((i) => i.key)).toEqual([chat.key, chained.key, fresh.key]);
  });

  it('serves the user served longest ago first', () => {
    const q = new FairQueue();
    q.markServed(1);
    q.markServed(2);
    const one = item(1);
    const two = item(2);
    q.add(one);
    q.add(two);
    expect(q.next(() => true)?.key).toBe(one.key);
    q.markServed(1);
    expect(q.next(() => true)?.key).toBe(two.key);
  });

  it('skips users who may not start and items that may not start, without losing them', () => {
    const q = new FairQueue();
    const full = item(1);
    const waitsForQuota = item(2, PRIORITY.newWork, 'openai');
    const other = item(2, PRIORITY.newWork, 'anthropic');
    for (const i of [full, waitsForQuota, other]) q.add(i);
    expect(
      q.next(
        (u) => u !== 1,
        (i) => i.provider !== 'openai',
      )?.key,
    ).toBe(other.key);
    expect(q.next((u) => u !== 1 && u !== 2)).toBeUndefined();
    expect(q.size).toBe(3);
  });

  it('projects the order a line of several users will start in, and leaves out what may not start', () => {
    const q = new FairQueue();
    const items = [item(1), item(1), item(2), item(3, PRIORITY.newWork, 'openai'), item(2)];
    for (const i of items) q.add(i);
    const projected = q.projectedOrder((i) => i.provider !== 'openai').map((i) => i.key);
    expect(projected).toEqual([items[0], items[2], items[1], items[4]].map((i) => i?.key));
    // The projection matches what taking them one by one does.
    expect(drain(q, (i) => i.provider !== 'openai').map((i) => i.key)).toEqual(projected);
  });

  it('keeps every item once: adding twice is one item, removing what is gone is nothing', () => {
    const q = new FairQueue();
    const i = item(1);
    q.add(i);
    q.add(i);
    expect(q.size).toBe(1);
    expect(q.remove(i.key)).toBe(i);
    expect(q.remove(i.key)).toBeUndefined();
    expect(q.size).toBe(0);
  });
});
