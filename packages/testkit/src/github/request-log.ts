// What the fake GitHub saw: every request (with GraphQL operation names), the gaps in
// its model (unknown operations, unmodelled fields, unrouted paths), and git pushes.

export interface GitHubRequest {
  method: string;
  /** The host the client addressed (`api.github.localhost`, `github.localhost`, …). */
  host: string;
  /** Path without query, `/api/v3` already stripped for REST. */
  path: string;
  /** The request target as sent (absolute in proxy form). */
  url: string;
  kind: 'graphql' | 'rest' | 'git' | 'web';
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON body (raw text if not JSON); undefined for git and empty bodies. */
  body?: unknown;
  operationName?: string;
  /** The user the token belongs to (null: anonymous). */
  login: string | null;
  status?: number;
}

export interface GitHubGap {
  kind: 'operation' | 'field' | 'invalid-query' | 'route';
  operationName: string | null;
  /** `Type.field`, the operation name, the validation message, or `METHOD path`. */
  detail: string;
}

export interface PushEvent {
  owner: string;
  repo: string;
  /** `refs/heads/<branch>` */
  ref: string;
  /** null when the ref was created. */
  before: string | null;
  /** null when the ref was deleted. */
  after: string | null;
}

interface Waiter {
  predicate: (r: GitHubRequest) => boolean;
  resolve: (r: GitHubRequest) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class GitHubLog {
  readonly requests: GitHubRequest[] = [];
  readonly gaps: GitHubGap[] = [];
  readonly pushes: PushEvent[] = [];
  private waiters = new Set<Waiter>();
  private pushListeners = new Set<(e: PushEvent) => void | Promise<void>>();

  add(entry: GitHubRequest): GitHubRequest {
    this.requests.push(entry);
    return entry;
  }

  /** Marks a request answered and wakes whoever waits for it. */
  answered(entry: GitHubRequest, status: number): void {
    entry.status = status;
    for (const w of [...this.waiters]) {
      if (w.predicate(entry)) this.settle(w).resolve(entry);
    }
  }

  gap(gap: GitHubGap): void {
    const seen = this.gaps.some((g) => g.kind === gap.kind && g.operationName === gap.operationName && g.detail === gap.detail);
    if (!seen) this.gaps.push(gap);
  }

  /** Records a ref update and waits for the listeners (a listener's failure is ignored). */
  async push(event: PushEvent): Promise<void> {
    this.pushes.push(event);
    await Promise.allSettled([...this.pushListeners].map(async (l) => l(event)));
  }

  onPush(listener: (e: PushEvent) => void | Promise<void>): () => void {
    this.pushListeners.add(listener);
    return () => this.pushListeners.delete(listener);
  }

  waitFor(predicate: (r: GitHubRequest) => boolean, timeoutMs: number): Promise<GitHubRequest> {
    const found = this.requests.find((r) => r.status !== undefined && predicate(r));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          const seen =
            this.requests.map((r) => `${r.method} ${r.path}${r.operationName ? ` (${r.operationName})` : ''}`).join(', ') || 'none';
          this.settle(waiter).reject(new Error(`no matching request within ${timeoutMs} ms (seen: ${seen})`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  cancelWaiters(): void {
    for (const w of [...this.waiters]) this.settle(w).reject(new Error('fake GitHub closed'));
    this.pushListeners.clear();
  }

  private settle(w: Waiter): Waiter {
    clearTimeout(w.timer);
    this.waiters.delete(w);
    return w;
  }
}
