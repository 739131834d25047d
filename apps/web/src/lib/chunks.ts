// Code-split modules, loaded resiliently: a chunk fetch that fails (the server
// restarting, a flaky phone connection) is retried with backoff before the
// error reaches a boundary, and once the app is idle every screen chunk is
// fetched ahead of need, so navigation never waits on the network for code.
const RETRY_DELAYS_MS = [300, 1000, 2000, 4000, 8000];

/** Wraps a dynamic import so transient failures are retried. */
export function retryingImport<T>(load: () => Promise<T>, delays: readonly number[] = RETRY_DELAYS_MS): () => Promise<T> {
  return async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await load();
      } catch (err) {
        const delay = delays[attempt];
        if (delay === undefined) throw err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  };
}

export const screens = {
  dashboard: retryingImport(() => import('../features/dashboard/dashboard-screen')),
  inbox: retryingImport(() => import('../features/inbox/inbox-screen')),
  board: retryingImport(() => import('../features/board/board-screen')),
  task: retryingImport(() => import('../features/task/task-screen')),
  chat: retryingImport(() => import('../features/chat/chat-screen')),
  settings: retryingImport(() => import('../features/settings/settings-screen')),
  admin: retryingImport(() => import('../features/admin/admin-screen')),
};

export const components = {
  markdown: retryingImport(() => import('../ui/markdown')),
  markdownEditor: retryingImport(() => import('../ui/markdown-editor')),
  diffView: retryingImport(() => import('../features/task/diff-view')),
  commandPalette: retryingImport(() => import('../app/command-palette')),
};

const PREFETCH_AFTER_MS = 2000;

/**
 * Fetches every screen and the markdown renderer ahead of need, once the first
 * screen has had time to load its data and render (errors are ignored: the
 * real load retries). Started at once, the prefetch's parsing competed with
 * the first screen's own rendering.
 */
export function prefetchChunks(afterMs = PREFETCH_AFTER_MS): () => void {
  const run = () => {
    for (const load of [...Object.values(screens), components.markdown, components.commandPalette]) load().catch(() => undefined);
  };
  let idle: number | undefined;
  const timer = setTimeout(() => {
    if ('requestIdleCallback' in window) idle = window.requestIdleCallback(run, { timeout: 3000 });
    else run();
  }, afterMs);
  return () => {
    clearTimeout(timer);
    if (idle !== undefined) window.cancelIdleCallback(idle);
  };
}
