// Lint rules that enforce the project's boundaries (see docs/ARCHITECTURE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import boundaries from 'eslint-plugin-boundaries';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'test-artifacts/**', '.bench-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The web app runs in the browser.
    files: ['apps/web/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // The layers (docs/ARCHITECTURE.md, docs/decisions/0010-import-boundaries.md): each may
    // import itself and the layers before it — protocol ← machinery ← engine ← features ←
    // app. Type-only imports count too: a type names the layer it comes from.
    files: ['apps/*/src/**/*.{ts,tsx}', 'packages/*/src/**/*.ts'],
    // Tests and their helpers reach across layers on purpose (they assemble whole worlds).
    ignores: [
      '**/*.test.ts',
      '**/*.test.tsx',
      '**/*.fixture.ts',
      '**/*.fixtures.ts',
      'apps/server/src/testing/**',
      'apps/web/src/test-setup.ts',
    ],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: ['tsconfig.json', 'apps/web/tsconfig.json'], noWarnOnMultipleProjects: true } },
      'boundaries/elements': [
        { type: 'protocol', pattern: 'packages/protocol/src', partialMatch: false },
        { type: 'simulator', pattern: 'packages/simulator/src', partialMatch: false },
        { type: 'testkit', pattern: 'packages/testkit/src', partialMatch: false },
        { type: 'web', pattern: 'apps/web/src', partialMatch: false },
        { type: 'testing', pattern: 'apps/server/src/testing', partialMatch: false },
        { type: 'app', pattern: 'apps/server/src/app', partialMatch: false },
        { type: 'features', pattern: 'apps/server/src/features', partialMatch: false },
        { type: 'engine', pattern: 'apps/server/src/{engine,prompts}', partialMatch: false },
        { type: 'machinery', pattern: 'apps/server/src', partialMatch: false },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            { from: { element: { type: 'protocol' } }, allow: { to: { element: { type: 'protocol' } } } },
            // The offline demo's model is product code (no dependencies); the test kit builds its fakes on it.
            { from: { element: { type: 'simulator' } }, allow: { to: { element: { types: { anyOf: ['protocol', 'simulator'] } } } } },
            {
              from: { element: { type: 'testkit' } },
              allow: { to: { element: { types: { anyOf: ['protocol', 'simulator', 'testkit'] } } } },
            },
            { from: { element: { type: 'machinery' } }, allow: { to: { element: { types: { anyOf: ['protocol', 'machinery'] } } } } },
            // Machinery reaches the demo's model only through the Claude provider's one gateway to it.
            {
              from: { element: { type: 'machinery', fileInternalPath: 'harness/providers/claude/simulated.ts' } },
              allow: { to: { element: { type: 'simulator' } } },
            },
            {
              from: { element: { type: 'engine' } },
              allow: { to: { element: { types: { anyOf: ['protocol', 'machinery', 'engine'] } } } },
            },
            {
              from: { element: { type: 'features' } },
              allow: { to: { element: { types: { anyOf: ['protocol', 'machinery', 'engine', 'features'] } } } },
            },
            {
              from: { element: { type: 'app' } },
              allow: { to: { element: { types: { anyOf: ['protocol', 'machinery', 'engine', 'features', 'app', 'simulator'] } } } },
            },
            { from: { element: { type: 'web' } }, allow: { to: { element: { types: { anyOf: ['protocol', 'web'] } } } } },
          ],
        },
      ],
    },
  },
  {
    // Command-line entry points and benchmarks talk to the terminal on purpose.
    files: ['bin/**', 'bench/**', 'scripts/**', 'apps/server/src/app/cli/**'],
    rules: { 'no-console': 'off' },
  },
);
