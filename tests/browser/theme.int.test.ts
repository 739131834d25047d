// Light and dark themes in a real browser: with Chromium set to a dark system
// theme the dashboard, a board and a task page render dark (dark page, light
// text) at desktop and phone widths, with no serious or critical axe-core
// finding; the theme is on <html> before the app's script runs (the inline
// boot script is allowed by the page's CSP); and choosing Light in Settings →
// Profile overrides the system's dark, survives a reload, and System hands
// the choice back to the system.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { AgentRunDto } from '@bottega/protocol';
import { runGit } from '../../apps/server/src/forge/git';
import { TEST_GIT_IDENTITY } from '../../apps/server/src/testing/git';
import {
  arrangeTask,
  expectStatus,
  logIn,
  PHONE,
  setUpAdmin,
  startBrowserWorld,
  waitFor,
  type ApiClient,
  type BrowserWorld,
  DESKTOP,
} from './world';

const PASSWORD = 'admin-password-1';
const AXE = join(dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js');

const EXTRA_DOC = [
  '',
  '## Notes for the reviewer',
  '',
  '> Keep the English greeting as it is.',
  '',
  'Run `npm test` before merging, and see [the guide](https://example.com/guide).',
  '',
  '```js',
  'export const greetFr = (n) => `Bonjour, ${n}`;',
  '```',
  '',
  '| Language | Function |',
  '| --- | --- |',
  '| English | `greet` |',
  '| French | `greetFr` |',
  '',
  '- [x] plan written',
  '- [ ] French greeting added',
  '',
].join('\n');

let w: BrowserWorld;
let api: ApiClient;
const contexts: BrowserContext[] = [];
let screens: { name: string; path: string; ready: (p: Page) => Promise<unknown> }[];

beforeAll(async () => {
  w = await startBrowserWorld();
  const page = await w.newPage(DESKTOP);
  await setUpAdmin(page, 'admin', PASSWORD);
  api = await w.apiAs('admin', PASSWORD);
  const { projectId, task } = await arrangeTask(w, api, {
    project: 'Greeter',
    task: { title: 'Add a French greeting', description: 'Add greetFr(name) next to greet.' },
    repoFiles: { 'README.md': '# app\n', 'greet.js': 'export const greet = (n) => `Hello, ${n}`;\n' },
  });
  await expectStatus(api('POST', `/api/projects/${projectId}/tasks`, { title: 'Say goodbye too', description: 'A farewell.' }), 201);

  // A task page with something on it: a finished planning run, a document with
  // code, a table and a quote, and a change on the branch.
  await expectStatus(api('POST', `/api/tasks/${task.id}/agent-runs`, { agentType: 'planification' }), 201);
  await waitFor(
    'the planning run',
    async () => {
      const runs = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${task.id}/agent-runs`)).body.runs;
      return runs.some((r) => r.status === 'completed') ? true : null;
    },
    120_000,
  );
  const doc = (await api<{ content: string }>('GET', `/api/tasks/${task.id}/document`)).body.content;
  await expectStatus(api('PUT', `/api/tasks/${task.id}/document`, { content: doc + EXTRA_DOC }), 200);
  const wt = task.worktreePath ?? '';
  await writeFile(join(wt, 'greet.js'), 'export const greet = (n) => `Hello, ${n}`;\nexport const greetFr = (n) => `Bonjour, ${n}`;\n');
  await runGit(['add', '-A'], { cwd: wt });
  await runGit([...TEST_GIT_IDENTITY, 'commit', '-q', '-m', 'greetFr'], { cwd: wt });

  screens = [
    {
      name: 'dashboard',
      path: '/',
      ready: (p) =>
        p
          .getByRole('link', { name: /Greeter/ })
          .first()
          .waitFor(),
    },
    {
      name: 'board',
      path: `/projects/${projectId}`,
      ready: (p) => p.getByRole('article', { name: 'Say goodbye too', exact: true }).waitFor(),
    },
    {
      name: 'task',
      path: `/projects/${projectId}/tasks/${task.id}`,
      ready: async (p) => {
        await p.getByTestId('task-document').getByRole('heading', { name: 'Notes for the reviewer' }).waitFor();
        await p.getByTestId('diff-file').first().waitFor();
      },
    },
  ];
}, 240_000);
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await w?.close();
});

/**
 * A page whose browser reports a dark system theme. The page's CSP is
 * bypassed so axe-core can be injected as a script tag (the first test checks
 * the CSP itself on an ordinary page).
 */
async function darkPage(viewport: { width: number; height: number }): Promise<Page> {
  const context = await w.browser.newContext({
    viewport,
    baseURL: w.url,
    deviceScaleFactor: 1,
    isMobile: viewport.width < 600,
    hasTouch: viewport.width < 600,
    colorScheme: 'dark',
    bypassCSP: true,
  });
  context.setDefaultTimeout(20_000);
  contexts.push(context);
  return context.newPage();
}

interface Rendered {
  theme: string | undefined;
  colorScheme: string;
  /** Relative luminance (0 black … 1 white) of the page background and text. */
  background: number;
  text: number;
}

/**
 * The theme in force and the luminance of the body's computed colours (any
 * CSS colour syntax, read back through a canvas). Runs in the page, so it is
 * a string: this file is type-checked without the DOM's types.
 */
const RENDERED = `(() => {
  const luminance = (css) => {
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
    const lin = (c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const body = getComputedStyle(document.body);
  return {
    theme: document.documentElement.dataset.theme,
    colorScheme: getComputedStyle(document.documentElement).colorScheme,
    background: luminance(body.backgroundColor),
    text: luminance(body.color),
  };
})()`;

async function rendered(page: Page): Promise<Rendered> {
  return page.evaluate<Rendered>(RENDERED);
}

async function expectDark(page: Page) {
  const r = await rendered(page);
  expect(r.theme).toBe('dark');
  expect(r.colorScheme).toBe('dark');
  expect(r.background).toBeLessThan(0.05);
  expect(r.text).toBeGreaterThan(0.7);
}

async function expectLight(page: Page) {
  const r = await rendered(page);
  expect(r.theme).toBe('light');
  expect(r.colorScheme).toBe('light');
  expect(r.background).toBeGreaterThan(0.9);
  expect(r.text).toBeLessThan(0.05);
}

/** axe-core's serious and critical findings on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate<string[]>(`(async () => {
    const result = await window.axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.map((n) => JSON.stringify(n.target)).join(', '));
  })()`);
  return found;
}

describe('themes', () => {
  it('applies the dark theme before the app runs, with the boot script allowed by the CSP', async () => {
    const page = await w.newPage(DESKTOP);
    await page.emulateMedia({ colorScheme: 'dark' });
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    // Without the app's own script the inline boot script alone sets the theme.
    await page.route('**/assets/*.js', (route) => route.abort());
    await page.goto('/');
    await expectDark(page);
    await page.unroute('**/assets/*.js');
    await page.goto('/');
    await page.getByLabel('Username').waitFor();
    await expectDark(page);
    expect(refused).toEqual([]);
  });

  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`renders the dashboard, a board and a task page dark on a dark system (${size})`, async () => {
      const page = await darkPage(viewport);
      await logIn(page, 'admin', PASSWORD);
      const violations: Record<string, string[]> = {};
      for (const screen of screens) {
        await page.goto(screen.path);
        await screen.ready(page);
        await expectDark(page);
        await w.screenshot(page, `theme-${screen.name}-${size}-dark`);
        violations[screen.name] = await seriousViolations(page);
      }
      expect(violations).toEqual(Object.fromEntries(screens.map((s) => [s.name, []])));
    });
  }

  it('Light in Settings → Profile overrides the dark system and stays after a reload; System gives it back', async () => {
    const page = await darkPage(DESKTOP);
    await logIn(page, 'admin', PASSWORD);
    await page.goto('/settings/profile');
    const picker = page.getByRole('radiogroup', { name: 'Theme' });
    await picker.waitFor();
    await expect(picker.getByRole('radio', { name: 'System' }).getAttribute('aria-checked')).resolves.toBe('true');
    await expectDark(page);
    await w.screenshot(page, 'theme-settings-profile-desktop-dark');
    expect(await seriousViolations(page)).toEqual([]);

    await picker.getByRole('radio', { name: 'Light' }).click();
    await expectLight(page);
    await page.reload();
    await page.getByRole('radiogroup', { name: 'Theme' }).waitFor();
    await expect(picker.getByRole('radio', { name: 'Light' }).getAttribute('aria-checked')).resolves.toBe('true');
    await expectLight(page);
    await w.screenshot(page, 'theme-settings-profile-desktop-light');

    await picker.getByRole('radio', { name: 'System' }).click();
    await expectDark(page);
    // With System chosen, the page follows the system as it changes.
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(async () => (await rendered(page)).theme).toBe('light');
    await expectLight(page);
  });
});
