// Test projects: the fast unit suite, the web app's component tests (jsdom),
// the integration suite (real git, real processes, real servers) and the
// browser suite (the built app in Debian's Chromium against a real server).
// The unit, integration and browser suites run twice: on SQLite and, as
// `…-pg`, on a throwaway PostgreSQL cluster (tests/postgres-setup.ts) — every
// test file that reaches the database; one that never does (a fake vendor's
// wire, git, a CLI's stream) would only repeat itself.
// Files named `*.pg.test.ts` / `*.pg.int.test.ts` test what exists only on PostgreSQL (several
// nodes on one database) and run only in the `…-pg` projects.
// `npm test` runs them all.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { globSync } from 'tinyglobby';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// The agent SDK warns that canUseTool is unused under bypassPermissions; it is
// still used for AskUserQuestion (see harness/providers/claude/options.ts).
const execArgv = ['--disable-warning=CLAUDE_SDK_CAN_USE_TOOL_SHADOWED'];

type Project = TestProjectInlineConfiguration & { test: { name: string } };

/** Tests of what exists only on PostgreSQL. */
const POSTGRES_ONLY = ['**/*.pg.test.ts', '**/*.pg.int.test.ts'];

const unit: Project = {
  test: {
    name: 'unit',
    include: ['apps/**/src/**/*.test.ts', 'packages/**/src/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['**/*.int.test.ts', '**/node_modules/**', 'apps/web/**', ...POSTGRES_ONLY],
    environment: 'node',
    execArgv,
    testTimeout: 20_000,
  },
};

const integration: Project = {
  test: {
    name: 'integration',
    include: ['apps/**/src/**/*.int.test.ts', 'packages/**/src/**/*.int.test.ts', 'tests/**/*.int.test.ts'],
    exclude: ['tests/browser/**', '**/node_modules/**', ...POSTGRES_ONLY],
    environment: 'node',
    execArgv,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
};

const web: Project = {
  test: {
    name: 'web',
    include: ['apps/web/src/**/*.test.tsx', 'apps/web/src/**/*.test.ts'],
    environment: 'jsdom',
    setupFiles: ['apps/web/src/test-setup.ts'],
    testTimeout: 20_000,
  },
};

const browser: Project = {
  test: {
    name: 'browser',
    include: ['tests/browser/**/*.int.test.ts'],
    environment: 'node',
    execArgv,
    // Builds the server and the web app once for every browser test file.
    globalSetup: ['tests/browser/global-setup.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
};

const root = dirname(fileURLToPath(import.meta.url));

/** What a test file imports to reach the database: a test world, a server, boot, or the database modules themselves. */
const DATABASE_DOORS =
  /testing\/(context|chat-world|pipeline-world|route-world|database)|server-process|\/world$|app\/boot|db\/(open|copy|migrate)/;

/** Whether `file` imports a database door, itself or through the test helpers it imports (fixtures, testing/, tests/). */
function reachesDatabase(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  for (const [, spec = ''] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
    if (DATABASE_DOORS.test(spec)) return true;
    const base = resolve(dirname(file), spec);
    const helper = [`${base}.ts`, base].find((f) => f.endsWith('.ts') && existsSync(f) && statSync(f).isFile());
    if (helper && /\.fixture\.ts$|\/testing\/|^tests\//.test(relative(root, helper)) && reachesDatabase(helper, seen)) return true;
  }
  return false;
}

/** The same suite on PostgreSQL: its files that reach the database. */
function onPostgres(project: Project): Project {
  const { include = [] } = project.test;
  const exclude = (project.test.exclude ?? []).filter((e) => !POSTGRES_ONLY.includes(e));
  const databaseFree = globSync(include, { ignore: exclude, cwd: root }).filter((f) => !reachesDatabase(join(root, f)));
  const globalSetup = project.test.globalSetup === undefined ? [] : [project.test.globalSetup].flat();
  return {
    ...project,
    test: {
      ...project.test,
      name: `${project.test.name}-pg`,
      exclude: [...exclude, ...databaseFree],
      globalSetup: ['tests/postgres-setup.ts', ...globalSetup],
    },
  };
}

export default defineConfig({
  test: {
    // The machines have two cores.
    maxWorkers: 2,
    projects: [unit, integration, web, browser, onPostgres(unit), onPostgres(integration), onPostgres(browser)],
  },
});
