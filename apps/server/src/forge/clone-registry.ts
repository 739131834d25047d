// The clones by URL this process runs (decision 0008): their progress, kept in
// memory for GET and the board, and a way to stop each one. The project
// feature starts and ends them; the server stops them all at shutdown.
import type { CloneProgress } from './clone';

/** In-memory state of the clones this process runs: progress and a way to stop them. */
export class ProjectClones {
  private readonly live = new Map<number, { controller: AbortController; progress: CloneProgress | null }>();

  progress(projectId: number): CloneProgress | null {
    return this.live.get(projectId)?.progress ?? null;
  }

  isRunning(projectId: number): boolean {
    return this.live.has(projectId);
  }

  /** Marks a clone as running; false if one already runs for the project. */
  begin(projectId: number): AbortController | null {
    if (this.live.has(projectId)) return null;
    const controller = new AbortController();
    this.live.set(projectId, { controller, progress: null });
    return controller;
  }

  report(projectId: number, progress: CloneProgress): void {
    const entry = this.live.get(projectId);
    if (entry) entry.progress = progress;
  }

  end(projectId: number): void {
    this.live.delete(projectId);
  }

  /** Stops one clone (its folder is removed by the clone itself). */
  stop(projectId: number): void {
    this.live.get(projectId)?.controller.abort(new Error('stopped'));
  }

  /** Server shutdown: every clone is stopped (and cleans up after itself). */
  stopAll(): void {
    for (const entry of this.live.values()) entry.controller.abort(new Error('the server stopped'));
  }
}
