// The `bottega` command line: start the server (or one node of several: docs/deploy/cluster.md),
// migrate the database, manage users, onboard a fresh instance. Configuration comes from the environment
// (see the README); a bad configuration lists every problem and exits 1.
import { parseArgs } from 'node:util';
import { boot } from '../boot';
import { ConfigError, describeDatabase, loadConfig, parseDatabaseUrl } from '../../config';
import { copyDatabase } from '../../db/copy';
import { createLogger, routeProcessWarnings } from '../../logger';
import { findUserByName, createUser, setPassword } from '../../features/auth/commands';
import { startServer } from '../server';
import { excludeTmpInExistingWorktrees, resumeWorkspaces } from '../../features/tasks/workspace';
import { recoverInterruptedRuns } from '../../engine/recovery';
import { recoverInterruptedClones } from '../../features/projects/clones';
import { onboard } from './onboard';
import { readNewPassword } from './password-input';
import { signalCommandMain } from './signal';
import { runsAgents, servesApi, type NodeRole } from '../../cluster/node';

const USAGE = `Usage: bottega <command>

Commands:
  start                          serve the API, WebSocket hub and web app, and execute agent runs
  start --no-worker              (PostgreSQL) an API node: serve the API, WebSocket hub and web
                                 app; execute no agent runs
  worker                         (PostgreSQL) a worker node: execute agent runs; listen on
                                 BOTTEGA_HOST:BOTTEGA_PORT (keep it on 127.0.0.1) only for health
                                 checks and its agents' signals
  migrate                        apply pending database migrations
  db copy --to <url> [--from <url>]
                                 copy every row of the instance's database (or --from's) into
                                 an empty one (sqlite:///path.db, postgres://…), then verify
  user create <name> [--admin]   create a user (password from a prompt or stdin)
  user reset-password <name>     set a new password; revokes the user's logins and API key
  onboard [--username <name>]    create an admin, a sample project and a task (idempotent)
  signal <name> [--reason …]     (agents) report a stage: plan-complete, workflow-complete,
                                 workflow-blocked, pr-complete
  help                           show this text

Configuration is read from environment variables; see the README.`;

async function withDeps<T>(fn: (deps: Awaited<ReturnType<typeof boot>>['deps']) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const { deps, close } = await boot(config, createLogger(process.env.BOTTEGA_LOG_LEVEL ?? 'warn'));
  try {
    return await fn(deps);
  } finally {
    await deps.background.drain();
    await close();
  }
}

/** Why this role cannot run on the configured database, or null. */
export function roleRefusal(role: NodeRole, database: { kind: string }): string | null {
  if (role === 'all' || database.kind === 'postgres') return null;
  const command = role === 'api' ? 'start --no-worker' : 'worker';
  return `\`bottega ${command}\` is one node of several, and several nodes share a PostgreSQL database (DATABASE_URL=postgres://…); this instance uses SQLite. Run \`bottega start\` on one machine instead, or move to PostgreSQL first (docs/deploy/postgres.md).`;
}

/** Runs this process as a node of `role` until SIGTERM/SIGINT, or until another node declares it dead (exit 1). */
async function serve(role: NodeRole): Promise<number> {
  const config = loadConfig(process.env);
  const refusal = roleRefusal(role, config.database);
  if (refusal) {
    console.error(`bottega: ${refusal}`);
    return 2;
  }
  const logger = createLogger(config.logLevel);
  routeProcessWarnings(logger);
  const { deps, close } = await boot(config, logger, { role });
  // A node recovers only what it executes: API nodes leave agent runs to the workers.
  if (runsAgents(role)) await recoverInterruptedRuns(deps);
  if (servesApi(role)) await recoverInterruptedClones(deps);
  const server = await startServer(deps, { host: config.host, port: config.port });
  const lost = new Promise<'lost'>((resolve) => deps.nodes.onLost(() => resolve('lost')));
  await deps.nodes.start(server.url);
  if (servesApi(role)) {
    const resumed = await resumeWorkspaces(deps);
    if (resumed > 0) logger.info({ tasks: resumed }, 'resuming interrupted worktree checkouts');
    await excludeTmpInExistingWorktrees(deps);
  }
  const needsSetup = servesApi(role) && (await deps.db.selectFrom('users').select('id').limit(1).executeTakeFirst()) === undefined;
  logger.info(
    { url: server.url, home: config.home, node: deps.node.id, role },
    needsSetup ? 'Bottega is listening; open it to create the first administrator' : 'Bottega is listening',
  );
  const reason = await Promise.race([
    lost,
    new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    }),
  ]);
  if (reason === 'lost') logger.error({ node: deps.node.id }, 'this node was declared dead (its lease ran out); shutting down');
  else logger.info({ signal: reason }, 'shutting down');
  await server.close();
  await close();
  logger.info('stopped');
  return reason === 'lost' ? 1 : 0;
}

async function startCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'no-worker': { type: 'boolean', default: false } } });
  return serve(values['no-worker'] ? 'api' : 'all');
}

async function userCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { admin: { type: 'boolean', default: false } } });
  const [sub, username] = positionals;
  if (!username || (sub !== 'create' && sub !== 'reset-password')) {
    console.error(USAGE);
    return 2;
  }
  const password = await readNewPassword();
  if (password.length < 8) throw new Error('the password must be at least 8 characters');
  return withDeps(async (deps) => {
    if (sub === 'create') {
      const user = await createUser(deps, { username, password, isAdmin: values.admin });
      console.log(`created ${user.is_admin ? 'administrator' : 'user'} ${user.username} (id ${user.id})`);
      return 0;
    }
    const user = await findUserByName(deps.db, username);
    if (!user) throw new Error(`no user named ${username}`);
    await setPassword(deps, user.id, password);
    console.log(`password of ${user.username} changed; all of their logins and their API key were revoked`);
    return 0;
  });
}

async function onboardCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { username: { type: 'string', default: 'admin' } } });
  return withDeps(async (deps) => {
    const result = await onboard(deps, { username: values.username, password: null });
    const { admin, project, task } = result;
    console.log(
      admin.created
        ? `administrator ${admin.username} created, password: ${admin.password}`
        : `administrator ${admin.username} already exists`,
    );
    console.log(`${project.created ? 'created' : 'found'} sample project ${project.id} at ${project.repoPath}`);
    if (task) console.log(`${task.created ? 'created' : 'found'} pending task ${task.id}`);
    console.log(
      result.modelProviders.length > 0
        ? `${admin.username} can run agents on: ${result.modelProviders.join(', ')}`
        : `${admin.username} has no model provider connected: connect one in Settings → Providers, or switch to the simulated model there to watch a pipeline without credentials (see the README)`,
    );
    return 0;
  });
}

async function dbCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { to: { type: 'string' }, from: { type: 'string' } },
  });
  if (positionals.length !== 1 || positionals[0] !== 'copy' || values.to === undefined) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(process.env);
  const from = values.from === undefined ? config.database : parseDatabaseUrl(values.from, config.home, '--from');
  const to = parseDatabaseUrl(values.to, config.home, '--to');
  const problems = [from, to].filter((d) => typeof d === 'string');
  if (typeof from === 'string' || typeof to === 'string') throw new ConfigError(problems);
  console.log(`copying ${describeDatabase(from)}\n     to ${describeDatabase(to)}`);
  const { tables } = await copyDatabase(from, to);
  const width = Math.max(...tables.map((t) => t.table.length), 'table'.length);
  console.log(`\n${'table'.padEnd(width)}  ${'source'.padStart(10)}  ${'target'.padStart(10)}`);
  for (const t of tables) console.log(`${t.table.padEnd(width)}  ${String(t.source).padStart(10)}  ${String(t.target).padStart(10)}`);
  const rows = tables.reduce((sum, t) => sum + t.source, 0);
  console.log(`\ncopied and verified ${tables.length} tables, ${rows} rows: every table holds as many rows in the target as in the source`);
  return 0;
}

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await startCommand(rest);
      case 'worker':
        if (rest.length > 0) {
          console.error(USAGE);
          return 2;
        }
        return await serve('worker');
      case 'migrate':
        return await withDeps(async () => {
          console.log('database is up to date');
          return 0;
        });
      case 'user':
        return await userCommand(rest);
      case 'db':
        return await dbCommand(rest);
      case 'onboard':
        return await onboardCommand(rest);
      case 'signal':
        return await signalCommandMain(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        console.error(`unknown command: ${command}\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) console.error(`bottega: ${err.message}`);
    else console.error(`bottega: ${(err as Error).message}`);
    return 1;
  }
}
