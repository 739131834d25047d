// The fake server's record of every request it received, with a way for tests
// to wait for a particular request instead of sleeping.
import type { IncomingMessage } from 'node:http';

export interface RecordedRequest {
  method: string;
  /** Path without the query (`/v1/messages`). */
  path: string;
  /** Path with the query as sent (`/v1/messages?beta=true`). */
  url: string;
  /** Lower-case header names; credentials (`x-api-key`, `authorization`) are kept. */
  headers: Record<string, string>;
  /** Parsed JSON body (the raw text when it was not JSON; undefined when empty). */
  body: unknown;
  /** `performance.now()` when the request arrived (same clock as the test process). */
  receivedAt: number;
  /** How the fake answered, once it has (a stalled stream counts as answered). */
  response?: RecordedResponse;
}

export interface RecordedResponse {
  status: number;
  kind: 'json' | 'stream' | 'stalled-stream' | 'stream-error' | 'error';
}

interface Waiter {
  predicate: (r: RecordedRequest) => boolean;
  resolve: (r: RecordedRequest) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class RequestLog {
  readonly all: RecordedRequest[] = [];
  private waiters = new Set<Waiter>();

  record(req: IncomingMessage, body: unknown, receivedAt = performance.now()): RecordedRequest {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    const url = req.url ?? '/';
    const entry: RecordedRequest = {
      method: req.method ?? 'GET',
      path: new URL(url, 'http://fake').pathname,
      url,
      headers,
      body,
      receivedAt,
    };
    this.all.push(entry);
    this.notify(entry);
    return entry;
  }

  /** Notes how a request was answered; waiters may be looking for that. */
  respond(entry: RecordedRequest, response: RecordedResponse): void {
    entry.response = response;
    this.notify(entry);
  }

  private notify(entry: RecordedRequest): void {
    for (const w of [...this.waiters]) {
      if (w.predicate(entry)) this.settle(w).resolve(entry);
    }
  }

  waitFor(predicate: (r: RecordedRequest) => boolean, timeoutMs: number): Promise<RecordedRequest> {
    const found = this.all.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          const seen = this.all.map((r) => `${r.method} ${r.url}`).join(', ') || 'none';
          this.settle(waiter).reject(new Error(`no matching request within ${timeoutMs} ms (seen: ${seen})`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Rejects every pending wait (the server is closing). */
  cancelWaiters(): void {
    for (const w of [...this.waiters]) this.settle(w).reject(new Error('fake server closed'));
  }

  private settle(w: Waiter): Waiter {
    clearTimeout(w.timer);
    this.waiters.delete(w);
    return w;
  }
}
