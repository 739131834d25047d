// All settings of the server in one zod schema, parsed once in main() from the
// environment. Tests build Config objects directly (see testing/factories.ts).
// Every field is documented in the README's configuration table.
import type { SandboxMode } from './sandbox/sandbox';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { MAX_CI_ROUNDS_LIMIT, RUN_LIMIT_MAX } from '@bottega/protocol';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Placeholder values copied from examples are refused as secrets. */
const PLACEHOLDER_SECRETS = new Set(['changeme', 'change-me', 'secret', 'your-secret', 'placeholder', 'replace-me', 'bottega']);

const secret = (name: string) =>
  z
    .string()
    .min(32, `${name} must be at least 32 characters`)
    .refine(
      (s) => !PLACEHOLDER_SECRETS.has(s.toLowerCase()) && !/^(x+|0+|changeme.*)$/i.test(s),
      `${name} is a known placeholder value; set a real random secret`,
    );

export const EnvSchema = z.object({
  BOTTEGA_HOME: z.string().min(1).optional(),
  BOTTEGA_HOST: z.string().min(1).default('127.0.0.1'),
  BOTTEGA_PORT: int(0, 65535).default(3001),
  DATABASE_URL: z.string().min(1).optional(),
  BOTTEGA_MAX_ITERATIONS: int(1, 1000).default(25),
  BOTTEGA_MAX_CI_ROUNDS: int(1, MAX_CI_ROUNDS_LIMIT).default(3),
  BOTTEGA_PR_WATCH_SECONDS: int(0, 3600).default(30),
  BOTTEGA_MAX_RUNNING: int(1, RUN_LIMIT_MAX).optional(),
  BOTTEGA_MIN_FREE_MEMORY_MB: int(0, 1_048_576).default(1024),
  BOTTEGA_WARM_STARTS: int(0, 64).default(2),
  BOTTEGA_NODE_LEASE_SECONDS: int(1, 3600).default(15),
  BOTTEGA_RATE_LIMIT_RETRIES: int(0, 20).default(5),
  BOTTEGA_RATE_LIMIT_BACKOFF_MS: int(10, 600_000).default(2000),
  BOTTEGA_TRIGGER_HANDLE: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/, 'must be a GitHub login')
    .default('bottega'),
  GITHUB_WEBHOOK_SECRET: z.string().min(16, 'GITHUB_WEBHOOK_SECRET must be at least 16 characters').optional(),
  BOTTEGA_SESSION_SECRET: secret('BOTTEGA_SESSION_SECRET').optional(),
  BOTTEGA_SESSION_TTL_DAYS: int(1, 365).default(30),
  BOTTEGA_SECURE_COOKIES: bool.default(false),
  BOTTEGA_TRUST_PROXY: bool.default(false),
  BOTTEGA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BOTTEGA_MAX_UPLOAD_MB: int(1, 1024).default(25),
  BOTTEGA_DEPS_COPY: z.enum(['auto', 'reflink', 'hardlink', 'copy', 'off']).default('auto'),
  BOTTEGA_LOGIN_RATE_LIMIT: int(1, 10_000).default(30),
  BOTTEGA_LOGIN_RATE_LIMIT_PER_USERNAME: int(1, 10_000).default(5),
  BOTTEGA_STALL_TIMEOUT_S: int(5, 86_400).default(300),
  BOTTEGA_REFINEMENT: bool.default(true),
  BOTTEGA_SANDBOX: z.enum(['auto', 'required', 'off']).default('auto'),
  BOTTEGA_REPO_ROOTS: z
    .string()
    .optional()
    .transform((v) =>
      v === undefined
        ? undefined
        : v
            .split(/[:,]/)
            .map((p) => p.trim())
            .filter((p) => p !== ''),
    )
    .refine((roots) => roots === undefined || roots.length > 0, 'list at least one absolute path')
    .refine((roots) => roots === undefined || roots.every((p) => isAbsolute(p)), 'every root must be an absolute path')
    .refine((roots) => roots === undefined || roots.every((p) => resolve(p) !== '/'), 'the filesystem root cannot be a repository root'),
});

export type DepsCopyMode = z.infer<typeof EnvSchema>['BOTTEGA_DEPS_COPY'];

/**
 * Where the data lives. SQLite is the embedded default; PostgreSQL takes a connection URL
 * (kept secret: it may hold a password) and optionally a schema of its own, so several
 * instances (or test worlds) can share one database.
 */
export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema: string | null };

/** A PostgreSQL schema name Bottega accepts: a plain lower-case identifier, never quoted. */
export const POSTGRES_SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

export interface Config {
  /** Root of everything Bottega stores on disk (archive, database, secrets). */
  home: string;
  host: string;
  port: number;
  database: DatabaseConfig;
  /** Runs per task before the loop auto-blocks with `max_iterations`. */
  maxIterations: number;
  /** CI fix rounds a PR (or YOLO) run may spend before the task is blocked; a project may set its own. */
  maxCiRounds: number;
  /** While a PR or YOLO run is live, its pull request is read this often (seconds); 0 turns it off. */
  prWatchSeconds: number;
  /** Agent runs and chat turns running at once; null → derived from the machine's cores and memory. */
  maxRunning: number | null;
  /** Below this much available memory (MiB) new runs wait; 0 turns load shedding off. */
  minFreeMemoryMb: number;
  /** Next runs' processes this node may prepare ahead at once (docs/behaviour/loop.md#warm-hand-off); 0 turns it off. */
  warmStarts: number;
  /** A node whose heartbeat is older than this is taken for dead and its runs are taken over (docs/deploy/cluster.md). */
  nodeLeaseMs: number;
  /** How often a rate-limited or overloaded run tries again, and its first wait (doubling, with jitter). */
  rateLimitRetries: number;
  rateLimitBackoffMs: number;
  /** Default GitHub handle that summons the PR agent (instance setting may override). */
  triggerHandle: string;
  webhookSecret: string | null;
  /** Signing secret for login credentials; null → generated into `home` at boot. */
  sessionSecret: string | null;
  sessionTtlDays: number;
  secureCookies: boolean;
  trustProxy: boolean;
  logLevel: string;
  maxUploadBytes: number;
  depsCopy: DepsCopyMode;
  /** Failed login/registration attempts allowed per client IP (all usernames) per 15 minutes. */
  loginRateLimit: number;
  /** Failed logins allowed per client IP and username per 15 minutes (the per-IP limit applies too). */
  loginRateLimitPerUsername: number;
  /** A model stream silent this long (while no tool runs) is ended as stalled. */
  stallTimeoutMs: number;
  /** Whether the finish pipeline runs the refinement agent once before the PR. */
  refinementEnabled: boolean;
  /** Agent confinement: `auto` where bubblewrap works (else unconfined, loudly), `required`, or `off`. */
  sandbox: SandboxMode;
  /**
   * Absolute directories repositories may live under: registered checkouts
   * must resolve inside one, and clones by URL go into the first.
   */
  repoRoots: string[];
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * A database URL (absent: the SQLite file in `home`); a string is the problem, prefixed with
 * `name` (the variable or option it came from). A relative SQLite path is taken under `home`.
 */
export function parseDatabaseUrl(url: string | undefined, home: string, name = 'DATABASE_URL'): DatabaseConfig | string {
  if (!url) return { kind: 'sqlite', path: join(home, 'bottega.db') };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path) return `${name}: sqlite URL needs a file path (sqlite:///abs/path.db)`;
    return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(home, path) };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return parsePostgresUrl(url, name);
  return `${name}: expected sqlite:///path/to/file.db or postgres://user:password@host:5432/database`;
}

/** How a database is named to people: never with its user or password. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.kind === 'sqlite') return `SQLite ${config.path}`;
  let where = 'an unparsable URL';
  try {
    const url = new URL(config.url);
    const host = url.hostname || url.searchParams.get('host') || 'localhost';
    where = `${host}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    // Described without its address.
  }
  return `PostgreSQL ${where}${config.schema ? ` (schema ${config.schema})` : ''}`;
}

/** `postgres://…/db?schema=name`: the schema parameter is ours; everything else goes to the driver as given. */
function parsePostgresUrl(url: string, name: string): DatabaseConfig | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL is not echoed: it may hold a password.
    return `${name}: not a valid postgres:// URL`;
  }
  if (!parsed.hostname && !parsed.searchParams.get('host')) return `${name}: the postgres:// URL names no host`;
  if (parsed.pathname.length <= 1) return `${name}: the postgres:// URL names no database (postgres://user:password@host:5432/database)`;
  const schema = parsed.searchParams.get('schema');
  if (schema !== null && !POSTGRES_SCHEMA.test(schema))
    return `${name}: schema must be a lower-case identifier (letters, digits, underscores; 63 at most)`;
  parsed.searchParams.delete('schema');
  return { kind: 'postgres', url: parsed.toString(), schema };
}

/** Parses the environment; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = EnvSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.success ? parsed.data : undefined;
  const home = resolve(env.BOTTEGA_HOME ?? join(homedir(), '.bottega'));
  const db = parseDatabaseUrl(env.DATABASE_URL, home);
  if (typeof db === 'string') problems.push(db);
  if (problems.length > 0 || !e || typeof db === 'string') throw new ConfigError(problems);
  return {
    home,
    host: e.BOTTEGA_HOST,
    port: e.BOTTEGA_PORT,
    database: db,
    maxIterations: e.BOTTEGA_MAX_ITERATIONS,
    maxCiRounds: e.BOTTEGA_MAX_CI_ROUNDS,
    prWatchSeconds: e.BOTTEGA_PR_WATCH_SECONDS,
    maxRunning: e.BOTTEGA_MAX_RUNNING ?? null,
    minFreeMemoryMb: e.BOTTEGA_MIN_FREE_MEMORY_MB,
    warmStarts: e.BOTTEGA_WARM_STARTS,
    nodeLeaseMs: e.BOTTEGA_NODE_LEASE_SECONDS * 1000,
    rateLimitRetries: e.BOTTEGA_RATE_LIMIT_RETRIES,
    rateLimitBackoffMs: e.BOTTEGA_RATE_LIMIT_BACKOFF_MS,
    triggerHandle: e.BOTTEGA_TRIGGER_HANDLE,
    webhookSecret: e.GITHUB_WEBHOOK_SECRET ?? null,
    sessionSecret: e.BOTTEGA_SESSION_SECRET ?? null,
    sessionTtlDays: e.BOTTEGA_SESSION_TTL_DAYS,
    secureCookies: e.BOTTEGA_SECURE_COOKIES,
    trustProxy: e.BOTTEGA_TRUST_PROXY,
    logLevel: e.BOTTEGA_LOG_LEVEL,
    maxUploadBytes: e.BOTTEGA_MAX_UPLOAD_MB * 1024 * 1024,
    depsCopy: e.BOTTEGA_DEPS_COPY,
    loginRateLimit: e.BOTTEGA_LOGIN_RATE_LIMIT,
    loginRateLimitPerUsername: e.BOTTEGA_LOGIN_RATE_LIMIT_PER_USERNAME,
    stallTimeoutMs: e.BOTTEGA_STALL_TIMEOUT_S * 1000,
    sandbox: e.BOTTEGA_SANDBOX,
    refinementEnabled: e.BOTTEGA_REFINEMENT,
    repoRoots: (e.BOTTEGA_REPO_ROOTS ?? [join(home, 'repos')]).map((p) => resolve(p)),
  };
}
