// `bottega onboard`: makes a fresh instance usable in one step, and is safe to
// run again. Ensures an administrator exists, a small sample git repository
// in the first repository root (default $BOTTEGA_HOME/repos) registered as a
// project, and one pending task in it. It also says whether the
// administrator can run an agent yet: a connected provider, or the simulated
// model of the offline demo.
import { randomBytes } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Deps } from '../../deps';
import type { UserRow } from '../../db/schema';
import { runGit } from '../../forge/git';
import { ifMissing } from '../../fs-errors';
import { createUser } from '../../features/auth/commands';
import { createProject } from '../../features/projects/commands';
import { cloneRoot } from '../../features/projects/repo-roots';
import { createTask } from '../../features/tasks/commands';
import { connectionStatus } from '../../features/providers/codex-routes';
import { isSimulated } from '../../harness/providers/claude/simulated';
import { taskRequest } from '@bottega/simulator';

export interface OnboardResult {
  admin: { username: string; created: boolean; password?: string };
  project: { id: number; created: boolean; repoPath: string };
  task: { id: number; created: boolean } | null;
  /** The providers the administrator's agents can run on now ("anthropic (simulated model)"); empty when none. */
  modelProviders: string[];
}

const SAMPLE_DIR = 'sample-project';
const SAMPLE_FILES: Record<string, string> = {
  'README.md': '# Sample project\n\nA tiny repository created by `bottega onboard` to try Bottega on.\n',
  'greet.js': 'export function greet(name) {\n  return `Hello, ${name}`;\n}\n',
  'greet.test.js':
    "import { strict as assert } from 'node:assert';\nimport { greet } from './greet.js';\n\nassert.equal(greet('Ada'), 'Hello, Ada');\nconsole.log('ok');\n",
  'package.json':
    '{\n  "name": "sample-project",\n  "private": true,\n  "type": "module",\n  "scripts": { "test": "node greet.test.js" }\n}\n',
  '.gitignore': 'node_modules/\n',
};

/**
 * The sample task. Its request spells the change out as file blocks, which
 * the simulated model of the offline demo follows (a real model reads them as
 * a precise request).
 */
const SAMPLE_REQUEST = taskRequest({
  summary: 'Add a `greetFr(name)` function next to `greet` that returns `Bonjour, <name>`, with a test.',
  files: {
    'greet.js':
      'export function greet(name) {\n  return `Hello, ${name}`;\n}\n\nexport function greetFr(name) {\n  return `Bonjour, ${name}`;\n}\n',
    'greet.test.js':
      "import { strict as assert } from 'node:assert';\nimport { greet, greetFr } from './greet.js';\n\nassert.equal(greet('Ada'), 'Hello, Ada');\nassert.equal(greetFr('Ada'), 'Bonjour, Ada');\nconsole.log('ok');\n",
  },
});

/** The sample lives in the first repository root (it must be inside the roots to be registered). */
async function ensureSampleRepo(root: string): Promise<string> {
  const repo = join(root, SAMPLE_DIR);
  if (await stat(join(repo, '.git')).catch(ifMissing(null))) return repo;
  await mkdir(repo, { recursive: true });
  for (const [name, content] of Object.entries(SAMPLE_FILES)) await writeFile(join(repo, name), content);
  await runGit(['init', '-q', '-b', 'main'], { cwd: repo });
  await runGit(['add', '-A'], { cwd: repo });
  await runGit(['-c', 'user.name=Bottega', '-c', 'user.email=bottega@localhost', 'commit', '-q', '-m', 'Sample project'], { cwd: repo });
  return repo;
}

async function ensureAdmin(
  deps: Deps,
  username: string,
  password: string | null,
): Promise<{ row: UserRow; created: boolean; password?: string }> {
  const admin = await deps.db.selectFrom('users').selectAll().where('is_admin', '=', 1).orderBy('id').executeTakeFirst();
  if (admin) return { row: admin, created: false };
  const pw = password ?? randomBytes(12).toString('base64url');
  const row = await createUser(deps, { username, password: pw, isAdmin: true });
  return { row, created: true, ...(password ? {} : { password: pw }) };
}

/** The registered providers the user has connected, the simulated model named as such. */
async function usableProviders(deps: Deps, userId: number): Promise<string[]> {
  const home = deps.config.home;
  const usable: string[] = [];
  for (const name of deps.providers.names()) {
    if (!(await connectionStatus(home, userId, name)).connected) continue;
    usable.push(name === 'anthropic' && (await isSimulated(home, userId)) ? 'anthropic (simulated model)' : name);
  }
  return usable;
}

export async function onboard(deps: Deps, opts: { username: string; password: string | null }): Promise<OnboardResult> {
  const admin = await ensureAdmin(deps, opts.username, opts.password);
  // Before repository roots existed the sample lived at $BOTTEGA_HOME/sample-project; a project there is kept.
  const legacy = await deps.db
    .selectFrom('projects')
    .selectAll()
    .where('repo_path', '=', join(deps.config.home, SAMPLE_DIR))
    .executeTakeFirst();
  const repoPath = legacy ? legacy.repo_path : await ensureSampleRepo(await cloneRoot(deps.config.repoRoots));
  let project = legacy ?? (await deps.db.selectFrom('projects').selectAll().where('repo_path', '=', repoPath).executeTakeFirst());
  const projectCreated = !project;
  project ??= await createProject(deps, { id: admin.row.id, isAdmin: true }, { name: 'Sample project', repoPath });
  const existing = await deps.db.selectFrom('tasks').select('id').where('project_id', '=', project.id).orderBy('id').executeTakeFirst();
  const task = existing
    ? { id: existing.id, created: false }
    : {
        id: (
          await createTask(deps, project, admin.row.id, {
            title: 'Greet in French too',
            description: SAMPLE_REQUEST,
          })
        ).id,
        created: true,
      };
  return {
    admin: { username: admin.row.username, created: admin.created, ...(admin.password ? { password: admin.password } : {}) },
    project: { id: project.id, created: projectCreated, repoPath },
    task,
    modelProviders: await usableProviders(deps, admin.row.id),
  };
}
