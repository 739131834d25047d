// The layers are enforced by the linter (docs/decisions/0010-import-boundaries.md):
// the project's own eslint.config.js lints probe files placed in each layer,
// and every import against the layering must be reported by the boundary rule
// while the imports the layering allows pass. Removing or loosening a policy
// makes a case here fail.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const SERVER = 'apps/server/src';
const RULE = 'boundaries/dependencies';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({
    cwd: ROOT,
    // Only the boundary rule runs, without type information (it needs none): fast.
    ruleFilter: ({ ruleId }) => ruleId === RULE,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  });
});

/** The boundary rule's messages for `source` linted as if it were the file at `path`. */
async function boundaryMessages(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(ROOT, path) });
  expect(result?.messages.filter((m) => m.ruleId !== RULE)).toEqual([]);
  return (result?.messages ?? []).map((m) => m.message);
}

const refused: { what: string; path: string; source: string }[] = [
  {
    what: 'machinery (harness) imports a feature',
    path: `${SERVER}/harness/probe.ts`,
    source: "import { listPrices } from '../features/usage/prices';\nexport const x = listPrices;\n",
  },
  {
    what: 'machinery imports a feature for its types only',
    path: `${SERVER}/http/probe.ts`,
    source: "import type { usageRoutes } from '../features/usage/routes';\nexport type X = typeof usageRoutes;\n",
  },
  {
    what: 'the engine imports a feature',
    path: `${SERVER}/engine/probe.ts`,
    source: "import { deleteTask } from '../features/tasks/commands';\nexport const x = deleteTask;\n",
  },
  {
    what: 'the prompts (engine layer) import a feature',
    path: `${SERVER}/prompts/probe.ts`,
    source: "import { promptRoutes } from '../features/prompts/routes';\nexport const x = promptRoutes;\n",
  },
  {
    what: 'a feature imports the app assembly',
    path: `${SERVER}/features/tasks/probe.ts`,
    source: "import { createApp } from '../../app/app';\nexport const x = createApp;\n",
  },
  {
    what: 'machinery imports the app assembly',
    path: `${SERVER}/forge/probe.ts`,
    source: "import { boot } from '../app/boot';\nexport const x = boot;\n",
  },
  {
    what: 'production code imports the test helpers',
    path: `${SERVER}/workspace/probe.ts`,
    source: "import { createTestContext } from '../testing/context';\nexport const x = createTestContext;\n",
  },
  {
    what: 'production code imports the test kit',
    path: `${SERVER}/harness/providers/probe.ts`,
    source: "import { startFakeGitHub } from '@bottega/testkit';\nexport const x = startFakeGitHub;\n",
  },
  {
    what: "machinery other than the Claude provider's gateway imports the simulator",
    path: `${SERVER}/harness/providers/claude/probe.ts`,
    source: "import { createRoleBrain } from '@bottega/simulator';\nexport const x = createRoleBrain;\n",
  },
  {
    what: 'the protocol imports the server',
    path: 'packages/protocol/src/probe.ts',
    source: "import { AppError } from '../../../apps/server/src/errors';\nexport const x = AppError;\n",
  },
  {
    what: 'the web app imports the server',
    path: 'apps/web/src/probe.ts',
    source: "import { AppError } from '../../server/src/errors';\nexport const x = AppError;\n",
  },
  {
    what: 'the web app imports the simulator',
    path: 'apps/web/src/probe.ts',
    source: "import { createRoleBrain } from '@bottega/simulator';\nexport const x = createRoleBrain;\n",
  },
];

const allowed: { what: string; path: string; source: string }[] = [
  {
    what: 'a feature imports the engine, machinery, another feature and the protocol',
    path: `${SERVER}/features/tasks/probe.ts`,
    source: [
      "import { nextStep } from '../../engine/next-step';",
      "import { renderPrompt } from '../../prompts/render';",
      "import { runGit } from '../../forge/git';",
      "import type { Deps } from '../../deps';",
      "import { recordTurnUsage } from '../usage/record';",
      "import { providerNames } from '@bottega/protocol';",
      'export const x = [nextStep, renderPrompt, runGit, recordTurnUsage, providerNames];',
      'export type D = Deps;',
      '',
    ].join('\n'),
  },
  {
    what: 'the engine imports machinery and the prompts',
    path: `${SERVER}/engine/probe.ts`,
    source:
      "import { HarnessRuntime } from '../harness/runtime';\nimport { renderPrompt } from '../prompts/render';\nexport const x = [HarnessRuntime, renderPrompt];\n",
  },
  {
    what: 'the app assembly imports features and the simulator',
    path: `${SERVER}/app/probe.ts`,
    source:
      "import { authRoutes } from '../features/auth/routes';\nimport { taskRequest } from '@bottega/simulator';\nexport const x = [authRoutes, taskRequest];\n",
  },
  {
    what: "the Claude provider's gateway to the demo model imports the simulator",
    path: `${SERVER}/harness/providers/claude/simulated.ts`,
    source: "import { createRoleBrain } from '@bottega/simulator';\nexport const x = createRoleBrain;\n",
  },
  {
    what: 'the web app imports the protocol',
    path: 'apps/web/src/probe.ts',
    source: "import { providerNames } from '@bottega/protocol';\nexport const x = providerNames;\n",
  },
  {
    what: 'a test in machinery imports a feature (tests are exempt)',
    path: `${SERVER}/harness/probe.test.ts`,
    source: "import { listPrices } from '../features/usage/prices';\nexport const x = listPrices;\n",
  },
];

describe('import boundaries', () => {
  it.each(refused)('refuses: $what', async ({ path, source }) => {
    const messages = await boundaryMessages(path, source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/no policy allowing dependencies/);
  });

  it.each(allowed)('allows: $what', async ({ path, source }) => {
    expect(await boundaryMessages(path, source)).toEqual([]);
  });
});
