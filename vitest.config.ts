// Test projects: the fast unit suite, the web app's component tests (jsdom),
// the integration suite (real git, real processes, real servers) and the
// browser suite (the built app in Debian's Chromium against a real server).
// `npm test` runs them all.
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
          exclude: ['**/*.int.test.ts', '**/node_modules/**', 'apps/web/**'],
          environment: 'node',
          execArgv,
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['apps/**/src/**/*.int.test.ts', 'packages/**/src/**/*.int.test.ts', 'tests/**/*.int.test.ts'],
          exclude: ['tests/browser/**', '**/node_modules/**'],
          environment: 'node',
          execArgv,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'web',
          include: ['apps/web/src/**/*.test.tsx', 'apps/web/src/**/*.test.ts'],
          environment: 'jsdom',
          setupFiles: ['apps/web/src/test-setup.ts'],
          testTimeout: 20_000,
        },
      },
      {
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
      },
    ],
  },
});
