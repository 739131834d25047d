// The inbox in a real browser against the built server and the fake model's
// role brain: empty at first, a finished plan appears live (with the header's
// count), the row leads to the task page, and approving the plan clears it.
// Desktop and phone screenshots.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TaskDto } from '@bottega/protocol';
import { taskRequest } from '@bottega/testkit';
import { type ApiClient, arrangeTask, type BrowserWorld, expectStatus, logIn, PHONE, setUpAdmin, startBrowserWorld } from './world';

const PASSWORD = 'admin-password-1';

let w: BrowserWorld;
let api: ApiClient;
let page: Page;
let projectId: number;
let task: TaskDto;

beforeAll(async () => {
  w = await startBrowserWorld();
  page = await w.newPage();
  await setUpAdmin(page, 'admin', PASSWORD);
  api = await w.apiAs('admin', PASSWORD);
  ({ projectId, task } = await arrangeTask(w, api, {
    project: 'Greeter',
    task: {
      title: 'French greeting',
      description: taskRequest({
        summary: 'Add greetFr(name) next to greet.',
        files: { 'greet.js': 'export const greetFr = (n) => `Bonjour, ${n}`;\n' },
      }),
    },
    repoFiles: { 'greet.js': 'export const greet = (n) => `Hello, ${n}`;\n' },
  }));
});
afterAll(async () => w?.close());

it('the inbox lists a plan to approve and clears after approval', async () => {
  const main = page.getByRole('navigation', { name: 'Main' });
  await page.goto('/inbox');
  await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  await page.getByText('Nothing needs you').waitFor();
  await w.screenshot(page, 'inbox-empty-desktop');

  // Planning runs while the inbox is open: the plan appears by itself, and the header counts it.
  await expectStatus(api('POST', `/api/tasks/${task.id}/agent-runs`, { agentType: 'planification' }), 201);
  const review = page.getByRole('link', { name: 'Review plan: French greeting' });
  await review.waitFor({ timeout: 120_000 });
  await page.getByRole('heading', { name: /Plans to approve/ }).waitFor();
  await main.getByRole('link', { name: 'Inbox, 1 waiting' }).waitFor();
  await expect(page.getByRole('link', { name: 'Greeter' }).getAttribute('href')).resolves.toBe(`/projects/${projectId}`);
  await w.screenshot(page, 'inbox-plan-desktop');

  const phone = await w.newPage(PHONE);
  await logIn(phone, 'admin', PASSWORD);
  await phone.goto('/inbox');
  await phone.getByRole('link', { name: 'Review plan: French greeting' }).waitFor();
  await expect(phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).resolves.toBeLessThanOrEqual(0);
  await w.screenshot(phone, 'inbox-plan-phone');
  await phone.close();

  // The row leads to the task page, where the plan is approved.
  await review.click();
  await page.waitForURL(`**/projects/${projectId}/tasks/${task.id}`);
  await page.getByRole('region', { name: 'What next' }).getByRole('button', { name: 'Approve plan' }).click();
  await main.getByRole('link', { name: 'Inbox', exact: true }).waitFor({ timeout: 30_000 });
  await main.getByRole('link', { name: 'Inbox', exact: true }).click();
  await page.getByText('Nothing needs you').waitFor();
});
