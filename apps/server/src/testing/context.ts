// Test context: a real SQLite database and archive in a temp directory, the
// real app driven in-process, and factories that insert rows directly
// (fast) so each test builds exactly the world it needs.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { boot } from '../app/boot';
import type { Config } from '../config';
import type { AgentRunRow, ConversationRow, ProjectRow, TaskRow, UserRow } from '../db/schema';
import type { Deps } from '../deps';
import { newSessionToken } from '../features/auth/authenticate';
import { newTaskRow } from '../engine/transitions/tasks';
import { createProject } from '../features/projects/commands';
import { hashPassword } from '../features/auth/credentials';
import { createApp } from '../app/app';
import type { AppEnv } from '../http/types';
import { silentLogger } from '../logger';
import { codexProvider } from '../harness/providers/codex/provider';
import { testDatabase } from './database';

export const TEST_PASSWORD = 'correct-horse-battery';
/** Stand-in for `claude setup-token` (see the script). */
export const FAKE_SETUP_TOKEN = join(import.meta.dirname, 'fake-setup-token.cjs');
/** Stands in for `codex login --device-auth`: shows a code, then signs in. */
export const FAKE_CODEX_LOGIN = join(import.meta.dirname, 'fake-codex-login.mjs');

export function testConfig(home: string, overrides: Partial<Config> = {}): Config {
  return {
    home,
    host: '127.0.0.1',
    port: 0,
    database: testDatabase(home),
    maxIterations: 25,
    maxCiRounds: 3,
    // Tests that follow a live PR run's pull request turn the watch on themselves.
    prWatchSeconds: 0,
    // Room for every test's runs at once; the capacity tests set their own limits. No load shedding
    // (the machine's memory is not the test's subject), and rate-limit waits of milliseconds.
    maxRunning: 32,
    // Tests that want next runs prepared ahead turn it on (the warm hand-off's own tests, benchmarks).
    warmStarts: 0,
    minFreeMemoryMb: 0,
    nodeLeaseMs: 15_000,
    rateLimitRetries: 5,
    rateLimitBackoffMs: 20,
    triggerHandle: 'bottega',
    webhookSecret: null,
    sessionSecret: randomBytes(32).toString('hex'),
    sessionTtlDays: 30,
    secureCookies: false,
    trustProxy: false,
    logLevel: 'silent',
    maxUploadBytes: 1024 * 1024,
    depsCopy: 'auto',
    loginRateLimit: 10,
    loginRateLimitPerUsername: 5,
    stallTimeoutMs: 30_000,
    refinementEnabled: true,
    // Every test agent runs confined: a machine without bubblewrap fails loudly instead of testing less.
    sandbox: 'required',
    repoRoots: [join(home, 'repos')],
    ...overrides,
  };
}

export interface TestUser {
  row: UserRow;
  /** `Authorization` header value for this user's session token. */
  auth: string;
}

export interface TestContext {
  home: string;
  deps: Deps;
  app: Hono<AppEnv>;
  close(): Promise<void>;
  /** Simulates a server restart: a fresh boot (deps, app) over the same home and database. */
  restart(): Promise<void>;
  user(opts?: { isAdmin?: boolean; username?: string }): Promise<TestUser>;
  /** Inserts a project row; the first member is its owner, the others plain members. */
  project(opts: { members: TestUser[]; repoPath?: string; name?: string }): Promise<ProjectRow>;
  /** Registers an existing checkout with `owner` as the project's owner (what an administrator does through the API for them). */
  registerProject(owner: TestUser, body: { name: string; repoPath: string; subprojectPath?: string }): Promise<ProjectRow>;
  task(project: ProjectRow, owner: TestUser, opts?: Partial<TaskRow>): Promise<TaskRow>;
  conversation(task: TaskRow, opts?: Partial<ConversationRow>): Promise<ConversationRow>;
  run(task: TaskRow, conversation: ConversationRow | null, status?: AgentRunRow['status']): Promise<AgentRunRow>;
  request(
    method: string,
    path: string,
    opts?: { as?: TestUser | string; json?: unknown; body?: string | Uint8Array | FormData; headers?: Record<string, string> },
  ): Promise<Response>;
}

let passwordHash: Promise<string> | undefined;

export async function createTestContext(overrides: Partial<Config> = {}): Promise<TestContext> {
  const home = await mkdtemp(join(tmpdir(), 'bottega-test-'));
  const config = testConfig(home, overrides);
  const bootOptions = {
    claudeSetupCommand: [process.execPath, FAKE_SETUP_TOKEN] as [string, string],
    codexLoginCommand: [process.execPath, FAKE_CODEX_LOGIN, 'approve'] as [string, string, string],
  };
  let { deps, close } = await boot(config, silentLogger(), bootOptions);
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const hash = await passwordHash;
  let seq = 0;
  const now = () => new Date().toISOString();

  const ctx: TestContext = {
    home,
    deps,
    app: createApp(deps),
    async close() {
      await ctx.deps.background.drain();
      await codexProvider(ctx.deps.providers).deviceLogin.closeAll();
      await close();
      await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
    async restart() {
      await ctx.deps.harness.shutdown();
      await ctx.deps.background.drain();
      await close();
      ({ deps, close } = await boot(config, silentLogger(), bootOptions));
      ctx.deps = deps;
      ctx.app = createApp(deps);
    },
    async user(opts = {}) {
      seq += 1;
      const row = await deps.db
        .insertInto('users')
        .values({
          username: opts.username ?? `user${seq}`,
          password_hash: hash,
          is_active: 1,
          is_admin: opts.isAdmin ? 1 : 0,
          is_technical: 1,
          has_completed_onboarding: 0,
          token_version: 0,
          created_at: now(),
          updated_at: now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { row, auth: `Bearer ${newSessionToken(deps, row)}` };
    },
    async project({ members, repoPath, name }) {
      seq += 1;
      const project = await deps.db
        .insertInto('projects')
        .values({
          name: name ?? `Project ${seq}`,
          repo_path: repoPath ?? join(home, 'repos', `missing-${seq}`),
          subproject_path: null,
          owner_id: members[0]?.row.id ?? null,
          created_at: now(),
          updated_at: now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      for (const [i, m] of members.entries()) {
        await deps.db
          .insertInto('project_members')
          .values({ project_id: project.id, user_id: m.row.id, role: i === 0 ? 'owner' : 'member', created_at: now() })
          .execute();
      }
      return project;
    },
    async registerProject(owner, body) {
      return createProject(ctx.deps, { id: owner.row.id, isAdmin: true }, body);
    },
    async task(project, owner, opts = {}) {
      seq += 1;
      return deps.db
        .insertInto('tasks')
        .values({
          ...newTaskRow({
            project_id: project.id,
            owner_id: owner.row.id,
            title: `Task ${seq}`,
            yolo_mode: 0,
            created_at: now(),
            updated_at: now(),
          }),
          ...opts,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async conversation(task, opts = {}) {
      return deps.db
        .insertInto('conversations')
        .values({
          task_id: task.id,
          kind: 'agent_run',
          provider: 'anthropic',
          model: 'test-model',
          created_at: now(),
          updated_at: now(),
          ...opts,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async run(task, conversation, status = 'completed') {
      return deps.db
        .insertInto('agent_runs')
        .values({
          task_id: task.id,
          agent_type: 'implementation',
          status,
          conversation_id: conversation?.id ?? null,
          trigger: 'manual',
          created_at: now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.as) headers.authorization = typeof opts.as === 'string' ? opts.as : opts.as.auth;
      let body = opts.body;
      if (opts.json !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = JSON.stringify(opts.json);
      }
      return ctx.app.request(path, { method, headers, body });
    },
  };
  return ctx;
}
