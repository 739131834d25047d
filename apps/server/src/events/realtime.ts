// What the REST layer (and the cluster bridge) may ask of live connections: drop
// revoked subscriptions, disconnect a user, make every client resync. The
// WebSocket hub attaches itself when the server starts; before that (and in
// HTTP-only tests) these are no-ops.
export interface RealtimeControl {
  revalidate(): Promise<void>;
  disconnectUser(userId: number): void;
  /** Closes every socket so each client reconnects and reloads what it shows (events may have been missed). */
  resync(reason: string): void;
}

export class Realtime implements RealtimeControl {
  private target: RealtimeControl | null = null;

  attach(target: RealtimeControl): void {
    this.target = target;
  }

  detach(): void {
    this.target = null;
  }

  revalidate(): Promise<void> {
    return this.target?.revalidate() ?? Promise.resolve();
  }

  disconnectUser(userId: number): void {
    this.target?.disconnectUser(userId);
  }

  resync(reason: string): void {
    this.target?.resync(reason);
  }
}
