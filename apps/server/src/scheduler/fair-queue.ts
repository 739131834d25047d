// The order in which waiting work takes run slots (docs/behaviour/capacity.md#order): fair between
// users — the user served longest ago goes first (round-robin) — and within one user by priority
// (a chat turn, then a chained or resumed run, then new work), then first come, first served.
// Pure and in memory: the scheduler keeps it in step with the database, and a decision looks at
// each waiting user once, never at every waiting item.

/** Within one user's line: 2 a chat turn (interactive), 1 a chained or resumed run, 0 new work. */
export type QueuePriority = 0 | 1 | 2;
export const PRIORITY = { newWork: 0, chained: 1, chat: 2 } as const satisfies Record<string, QueuePriority>;

export interface QueueItem {
  /** `run:<id>` or `chat:<conversationId>`. */
  key: string;
  userId: number;
  /** The provider whose quota the item uses. */
  provider: string;
  priority: QueuePriority;
  /** Arrival order (a run's id order for runs restored from the database). */
  seq: number;
}

/** Items of one user, kept sorted: higher priority first, then lower seq. */
function before(a: QueueItem, b: QueueItem): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq;
}

export class FairQueue<T extends QueueItem = QueueItem> {
  private readonly byUser = new Map<number, T[]>();
  private readonly byKey = new Map<string, T>();
  /** When each user last got a slot (a counter); never served counts as 0. */
  private readonly served = new Map<number, number>();
  private tick = 0;
  /** Bumped on every change, so a projection of the order can be reused until the next one. */
  version = 0;

  get size(): number {
    return this.byKey.size;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): T | undefined {
    return this.byKey.get(key);
  }

  items(): IterableIterator<T> {
    return this.byKey.values();
  }

  add(item: T): void {
    if (this.byKey.has(item.key)) return;
    this.byKey.set(item.key, item);
    const line = this.byUser.get(item.userId) ?? [];
    // Binary search for the insertion point: a user's line stays sorted.
    let lo = 0;
    let hi = line.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(line[mid] as T, item)) lo = mid + 1;
      else hi = mid;
    }
    line.splice(lo, 0, item);
    this.byUser.set(item.userId, line);
    this.version += 1;
  }

  remove(key: string): T | undefined {
    const item = this.byKey.get(key);
    if (!item) return undefined;
    this.byKey.delete(key);
    const line = this.byUser.get(item.userId) ?? [];
    const at = line.indexOf(item);
    if (at >= 0) line.splice(at, 1);
    if (line.length === 0) this.byUser.delete(item.userId);
    this.version += 1;
    return item;
  }

  /** Records that `userId` just got a slot: they go to the back of the round. */
  markServed(userId: number): void {
    this.tick += 1;
    this.served.set(userId, this.tick);
  }

  /**
   * The next item to start: among users who may start something (`userMay`), the one served
   * longest ago (ties: whose first item came first), and their first item that may start
   * (`itemMay`, e.g. not waiting for its quota). Undefined when nothing may start.
   */
  next(userMay: (userId: number) => boolean, itemMay: (item: T) => boolean = () => true): T | undefined {
    let best: T | undefined;
    let bestServed = Infinity;
    for (const [userId, line] of this.byUser) {
      const servedAt = this.served.get(userId) ?? 0;
      if (servedAt > bestServed || !userMay(userId)) continue;
      const first = line.find(itemMay);
      if (!first) continue;
      if (!best || servedAt < bestServed || first.seq < best.seq) {
        best = first;
        bestServed = servedAt;
      }
    }
    return best;
  }

  /**
   * Every item in the order it would start if slots came free one by one and every user could
   * take them: the round-robin projected forward. Items `itemMay` refuses are left out.
   */
  projectedOrder(itemMay: (item: T) => boolean = () => true): T[] {
    const lines = [...this.byUser.entries()]
      .map(([userId, line]) => ({ servedAt: this.served.get(userId) ?? 0, line: line.filter(itemMay) }))
      .filter((l) => l.line.length > 0)
      .sort((a, b) => a.servedAt - b.servedAt || (a.line[0] as T).seq - (b.line[0] as T).seq);
    const order: T[] = [];
    for (let round = 0; order.length < this.byKey.size; round += 1) {
      let took = false;
      for (const l of lines) {
        const item = l.line[round];
        if (item) {
          order.push(item);
          took = true;
        }
      }
      if (!took) break;
    }
    return order;
  }
}
