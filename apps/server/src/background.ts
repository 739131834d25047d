// Tracks fire-and-forget work (e.g. dependency copies) so shutdown and tests
// can wait for it instead of leaving it dangling.
import type { Logger } from './logger';

export class BackgroundWork {
  private readonly pending = new Set<Promise<unknown>>();
  constructor(private readonly logger: Logger) {}

  /** Runs `work` without awaiting it; failures are logged, never thrown. */
  track(label: string, work: Promise<unknown>): void {
    const p = work.catch((err: unknown) => this.logger.error({ err, label }, 'background work failed'));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  get size(): number {
    return this.pending.size;
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
