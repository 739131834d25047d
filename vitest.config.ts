// Two test projects: the fast unit suite and the integration suite (real git,
// real processes, real servers). `npm test` runs both.
import { defineConfig } from 'vitest/config';

// The agent SDK warns that canUseTool is unused under bypassPermissions; it is
// still used for AskUserQuestion (see harness/providers/claude/options.ts).
const execArgv = ['--disable-warning=CLAUDE_SDK_CAN_USE_TOOL_SHADOWED'];

export default defineConfig({
  test: {
    // The machines have two cores.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['apps/**/src/**/*.test.ts', 'packages/**/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          environment: 'node',
          execArgv,
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['apps/**/src/**/*.int.test.ts', 'packages/**/src/**/*.int.test.ts', 'tests/**/*.int.test.ts'],
          environment: 'node',
          execArgv,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
