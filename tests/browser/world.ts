// A whole Bottega for browser tests: the built server as a real process on a
// throwaway home, the testkit's fake Anthropic (with the role-playing brain
// behind the real Claude CLI) and fake GitHub, and Debian's Chromium driven by
// playwright-core. Screenshots land in test-artifacts/screens.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createRoleBrain, ghEnv, startFakeAnthropic, startFakeGitHub, type FakeAnthropic, type FakeGitHub } from '@bottega/testkit';
import type { Brain } from '@bottega/testkit';
import type { TaskDto } from '@bottega/protocol';
import { initRepo } from '../../apps/server/src/testing/git';
import { root, startServerProcess, type ServerProcess } from '../server-process';

export const CHROMIUM = process.env.BOTTEGA_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENS_DIR = join(root, 'test-artifacts', 'screens');

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface BrowserWorld {
  home: string;
  server: ServerProcess;
  url: string;
  fake: FakeAnthropic;
  gh: FakeGitHub;
  browser: Browser;
  /** A fresh browser profile (own cookies) with one page. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Saves a full-page screenshot as test-artifacts/screens/<name>.png. */
  screenshot(page: Page, name: string): Promise<void>;
  /** Stops the server (SIGTERM, or SIGKILL) and starts it again on the same port. */
  restartServer(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Logs in through the API and returns a cookie-carrying JSON client. */
  apiAs(username: string, password: string): Promise<ApiClient>;
  close(): Promise<void>;
}

export type ApiClient = <T>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;

export async function startBrowserWorld(opts: { brain?: Brain; env?: Record<string, string> } = {}): Promise<BrowserWorld> {
  const home = await mkdtemp(join(tmpdir(), 'bottega-browser-'));
  const fake = await startFakeAnthropic({ brain: opts.brain ?? createRoleBrain() });
  const gh = await startFakeGitHub();
  // Test repositories live in `<home>/repos`, the instance's one repository root.
  // Room for every agent a file's tests leave parked on a question (a parked agent keeps its run
  // slot): capacity is not these tests' subject, and the screens test sets its own per-user limit.
  const env = {
    ...(ghEnv(gh) as Record<string, string>),
    BOTTEGA_LOG_LEVEL: 'warn',
    BOTTEGA_REPO_ROOTS: join(home, 'repos'),
    BOTTEGA_MAX_RUNNING: '32',
    BOTTEGA_MIN_FREE_MEMORY_MB: '0',
    ...opts.env,
  };
  let server = await startServerProcess(home, { env });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const contexts: BrowserContext[] = [];
  await mkdir(SCREENS_DIR, { recursive: true });

  const stop = async (signal: 'SIGTERM' | 'SIGKILL') => {
    const child = server.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    // A server that has not stopped 30 s after SIGTERM is killed: the world must end either way.
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(kill);
  };

  const world: BrowserWorld = {
    home,
    get server() {
      return server;
    },
    get url() {
      return server.url;
    },
    fake,
    gh,
    browser,
    async newPage(viewport = DESKTOP) {
      const context = await browser.newContext({
        viewport,
        baseURL: server.url,
        deviceScaleFactor: 1,
        isMobile: viewport.width < 600,
        hasTouch: viewport.width < 600,
      });
      context.setDefaultTimeout(20_000);
      contexts.push(context);
      return context.newPage();
    },
    async screenshot(page, name) {
      await page.screenshot({ path: join(SCREENS_DIR, `${name}.png`), fullPage: true });
    },
    async restartServer(signal = 'SIGTERM') {
      const port = server.port;
      await stop(signal);
      server = await startServerProcess(home, { port, env });
    },
    async apiAs(username, password) {
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (!login.ok) throw new Error(`login as ${username} failed: ${login.status}`);
      const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
      return async <T>(method: string, path: string, body?: unknown) => {
        const res = await fetch(`${server.url}${path}`, {
          method,
          headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
      };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await stop('SIGTERM');
      await fake.close();
      await gh.close();
      await rm(home, { recursive: true, force: true });
    },
  };
  return world;
}

/** Fills the first-run form and lands on the dashboard as the administrator. */
export async function setUpAdmin(page: Page, username = 'admin', password = 'admin-password-1'): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Repeat password').fill(password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page.getByTestId('current-user').waitFor();
}

export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('current-user').waitFor();
}

/** The body of an API answer, after checking its status (the body is in the error otherwise). */
export async function expectStatus<T>(res: Promise<{ status: number; body: T }>, status: number): Promise<T> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Polls `probe` until it returns something other than null. */
export async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ArrangedTask {
  repo: string;
  projectId: number;
  /** The task once its worktree is ready. */
  task: TaskDto;
}

/**
 * Through the API, as `api`'s user: connects Claude to the world's fake, makes
 * a git repository under the world's home, a project on it and a task in it,
 * and waits for the task's worktree.
 */
export async function arrangeTask(
  w: BrowserWorld,
  api: ApiClient,
  opts: { project: string; repoFiles?: Record<string, string>; task: { title: string; description?: string } },
): Promise<ArrangedTask> {
  await expectStatus(api('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: w.fake.url }), 200);
  const repo = await initRepo(join(w.home, 'repos', 'app'), opts.repoFiles ? { files: opts.repoFiles } : {});
  const projectId = (
    await expectStatus(api<{ project: { id: number } }>('POST', '/api/projects', { name: opts.project, repoPath: repo }), 201)
  ).project.id;
  const created = (await expectStatus(api<{ task: TaskDto }>('POST', `/api/projects/${projectId}/tasks`, opts.task), 201)).task;
  const task = await waitFor('the worktree', async () => {
    const t = (await api<{ task: TaskDto }>('GET', `/api/tasks/${created.id}`)).body.task;
    if (t.workspaceStatus === 'failed') throw new Error(`worktree failed: ${t.workspaceError}`);
    return t.workspaceStatus === 'ready' ? t : null;
  });
  return { repo, projectId, task };
}
