// Dashboard and board in a real browser against a real server: membership
// decides what a user sees (direct URLs to a foreign project or task send
// them home), a dragged card's new status survives a reload, a status change
// made by someone else moves the card on an open board (also one made while
// the board's subscription was on its way), and screenshots of
// both screens at desktop and phone widths; the create dialogs end to end; a
// column limit set in the Edit project dialog, the full column's header, and
// a card moved into it (or a new task into a full Pending column) refused
// with the server's message.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { taskStatuses, type ProjectDto, type TaskDto, type UserDto } from '@bottega/protocol';
import { initRepo } from '../../apps/server/src/testing/git';
import { DESKTOP, logIn, PHONE, setUpAdmin, startBrowserWorld, waitFor, type ApiClient, type BrowserWorld } from './world';
import { a11yViolations } from './a11y';
import { pickMenuItem } from './pick';

const ADMIN_PASSWORD = 'admin-password-1';
const BOB_PASSWORD = 'bob-password-123';

let w: BrowserWorld;
let admin: ApiClient;
let bob: ApiClient;
let alpha: ProjectDto;
let beta: ProjectDto;
let secretTask: TaskDto;

async function createProject(api: ApiClient, name: string): Promise<ProjectDto> {
  const repoPath = await initRepo(join(w.home, 'repos', name.toLowerCase()));
  const res = await api<{ project: ProjectDto }>('POST', '/api/projects', { name, repoPath });
  expect(res.status).toBe(201);
  return res.body.project;
}

async function createTask(api: ApiClient, projectId: number, title: string): Promise<TaskDto> {
  const res = await api<{ task: TaskDto }>('POST', `/api/projects/${projectId}/tasks`, { title, description: `About ${title}` });
  expect(res.status).toBe(201);
  return res.body.task;
}

const column = (page: Page, status: string) => page.locator(`[data-column="${status}"]`);
const card = (page: Page, status: string, title: string) => column(page, status).getByRole('article', { name: title, exact: true });

beforeAll(async () => {
  w = await startBrowserWorld();
  const page = await w.newPage();
  await setUpAdmin(page, 'admin', ADMIN_PASSWORD);
  admin = await w.apiAs('admin', ADMIN_PASSWORD);
  // A connected provider keeps the first-login gate out of the way.
  expect((await admin('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: w.fake.url })).status).toBe(200);
  const made = await admin<{ user: UserDto }>('POST', '/api/admin/users', { username: 'bob', password: BOB_PASSWORD });
  expect(made.status).toBe(201);
  alpha = await createProject(admin, 'Alpha');
  beta = await createProject(admin, 'Beta');
  expect((await admin('POST', `/api/projects/${beta.id}/members`, { userId: made.body.user.id })).status).toBe(201);
  bob = await w.apiAs('bob', BOB_PASSWORD);
  expect((await bob('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: w.fake.url })).status).toBe(200);
  secretTask = await createTask(admin, alpha.id, 'Secret plan');
  await createTask(bob, beta.id, 'Shared work');
});
afterAll(async () => w?.close());

it('shows a user only the projects they belong to, and sends direct links elsewhere home', async () => {
  const page = await w.newPage();
  await logIn(page, 'bob', BOB_PASSWORD);
  const betaCard = page.getByRole('article', { name: 'Beta' });
  await betaCard.waitFor();
  await expect(betaCard.locator('[data-status="pending"] dd').textContent()).resolves.toBe('1');
  await expect.poll(() => page.getByRole('article', { name: 'Alpha' }).count()).toBe(0);

  await page.goto(`/projects/${alpha.id}`);
  await page.waitForURL((u) => u.pathname === '/');
  await page.getByText('not shared with you').waitFor();
  await expect.poll(() => page.getByRole('article', { name: 'Alpha' }).count()).toBe(0);

  await page.goto(`/projects/${alpha.id}/tasks/${secretTask.id}`);
  await page.waitForURL((u) => u.pathname === '/');
  await expect.poll(() => page.getByText('Secret plan').count()).toBe(0);

  // The counts on the open dashboard follow task events without a reload.
  await page.locator('[data-connection="open"]').waitFor();
  const pendingCount = page.getByRole('article', { name: 'Beta' }).locator('[data-status="pending"] dd');
  await expect(pendingCount.textContent()).resolves.toBe('1');
  await createTask(admin, beta.id, 'Counted live');
  await expect.poll(() => pendingCount.textContent()).toBe('2');
});

it('moves a dragged card to In Progress and keeps it there after a reload', async () => {
  const task = await createTask(admin, alpha.id, 'Drag me along');
  const page = await w.newPage();
  await logIn(page, 'admin', ADMIN_PASSWORD);
  await page.goto(`/projects/${alpha.id}`);
  await card(page, 'pending', 'Drag me along').dragTo(column(page, 'in_progress'));
  await card(page, 'in_progress', 'Drag me along').waitFor();
  await expect.poll(async () => (await admin<{ task: TaskDto }>('GET', `/api/tasks/${task.id}`)).body.task.status).toBe('in_progress');

  await page.reload();
  await card(page, 'in_progress', 'Drag me along').waitFor();
  await expect.poll(() => card(page, 'pending', 'Drag me along').count()).toBe(0);
});

it('moves a card on an open board when someone else changes its status', async () => {
  const task = await createTask(bob, beta.id, 'Review me');
  const page = await w.newPage();
  await logIn(page, 'admin', ADMIN_PASSWORD);
  await page.goto(`/projects/${beta.id}`);
  await card(page, 'pending', 'Review me').waitFor();
  await page.locator('[data-connection="open"]').waitFor();
  await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));

  const res = await bob('PATCH', `/api/tasks/${task.id}`, { status: 'in_review' });
  expect(res.status).toBe(200);
  await card(page, 'in_review', 'Review me').waitFor();
  await expect.poll(() => card(page, 'pending', 'Review me').count()).toBe(0);
  // Still the same document: nothing reloaded the page.
  await expect(page.evaluate(() => 'sameDocument' in globalThis)).resolves.toBe(true);

  // A new task from someone else appears on its own at the top of Pending.
  await createTask(bob, beta.id, 'Fresh idea');
  await card(page, 'pending', 'Fresh idea').waitFor();
  await expect(column(page, 'pending').getByRole('article').first().getAttribute('aria-label')).resolves.toBe('Fresh idea');
});

it("reads a quiet board once: the subscription's ack says nothing happened on the project since the board's reads began", async () => {
  // Quiet: every task's worktree is ready (its readiness is an event on the board).
  await waitFor('every worktree of Beta', async () => {
    const page = await admin<{ tasks: TaskDto[] }>('GET', `/api/projects/${beta.id}/tasks`);
    return page.body.tasks.every((t) => t.workspaceStatus === 'ready') || null;
  });
  const page = await w.newPage();
  let acked!: () => void;
  const ack = new Promise<void>((resolve) => (acked = resolve));
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((frame) => {
      ws.send(frame);
      if (typeof frame === 'string' && frame.includes('"ack"') && frame.includes('"subscribe-project"')) acked();
    });
  });
  await logIn(page, 'admin', ADMIN_PASSWORD);
  const reads: string[] = [];
  const readOf = (r: { url(): string }): string | null => {
    const url = new URL(r.url());
    if (url.pathname === `/api/projects/${beta.id}/tasks`) return `tasks ${url.searchParams.get('status')}`;
    return url.pathname === `/api/projects/${beta.id}/active-runs` ? 'active-runs' : null;
  };
  const expected = ['active-runs', ...taskStatuses.map((s) => `tasks ${s}`)].sort();
  page.on('request', (r) => {
    const read = readOf(r);
    if (read) reads.push(read);
  });
  const answered = Promise.all(expected.map((read) => page.waitForResponse((r) => readOf(r) === read)));
  await page.goto(`/projects/${beta.id}`);
  await Promise.all([answered, ack]);
  await card(page, 'pending', 'Shared work').waitFor();
  // A read again would be asked for at the ack or as the first reads ended; give it time to show.
  await page.waitForTimeout(1_000);
  expect(reads.sort()).toEqual(expected);
  await page.close();
});

it('shows a change made while the board was subscribing, once the subscription is confirmed', async () => {
  const task = await createTask(bob, beta.id, 'Caught in between');
  const page = await w.newPage();
  // The board's subscription is held on its way to the server until the change is made.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((frame) => {
      if (typeof frame === 'string' && frame.includes('"subscribe-project"')) void held.then(() => server.send(frame));
      else server.send(frame);
    });
  });
  await logIn(page, 'admin', ADMIN_PASSWORD);
  await page.goto(`/projects/${beta.id}`);
  await card(page, 'pending', 'Caught in between').waitFor();
  await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));

  expect((await bob('PATCH', `/api/tasks/${task.id}`, { status: 'in_review' })).status).toBe(200);
  release();
  await card(page, 'in_review', 'Caught in between').waitFor();
  await expect.poll(() => card(page, 'pending', 'Caught in between').count()).toBe(0);
  await expect(page.evaluate(() => 'sameDocument' in globalThis)).resolves.toBe(true);
  await page.close();
});

it("creates a project (showing the server's path refusal) and a YOLO task through the dialogs", async () => {
  const page = await w.newPage();
  await logIn(page, 'admin', ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'New project' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New project' });
  await dialog.getByLabel('Use an existing checkout (path)').check();
  await dialog.getByLabel('Name').fill('Gamma');
  await dialog.getByLabel('Repository path').fill(join(w.home, 'not-a-repo'));
  await dialog.getByRole('button', { name: 'Create project' }).click();
  await expect(dialog.getByRole('alert').textContent()).resolves.toMatch(/does not exist/);

  const repoPath = await initRepo(join(w.home, 'repos', 'gamma'));
  await dialog.getByLabel('Repository path').fill(repoPath);
  await dialog.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL((u) => /^\/projects\/\d+$/.test(u.pathname));
  await page.getByRole('heading', { name: 'Gamma' }).waitFor();

  await page.getByRole('button', { name: 'New task' }).click();
  const taskDialog = page.getByRole('dialog', { name: 'New task' });
  await taskDialog.getByLabel('Title').fill('Ship it fast');
  await taskDialog.getByLabel('Description').fill('Everything in one go.');
  await taskDialog.getByLabel(/YOLO mode/).check();
  await expect(taskDialog.getByRole('checkbox', { name: 'YOLO mode' }).getAttribute('aria-checked')).resolves.toBe('true');
  await w.screenshot(page, 'new-task-yolo-desktop');
  await taskDialog.getByRole('button', { name: 'Create task' }).click();
  const created = card(page, 'pending', 'Ship it fast');
  await created.getByText('YOLO').waitFor();
  // The dialog gone, focus is back on the button that opened it.
  await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('New task');
  const projectId = Number(new URL(page.url()).pathname.split('/')[2]);
  const listed = await admin<{ tasks: TaskDto[] }>('GET', `/api/projects/${projectId}/tasks`);
  expect(listed.body.tasks.map((t) => [t.title, t.yoloMode])).toEqual([['Ship it fast', true]]);
  const doc = await admin<{ content: string }>('GET', `/api/tasks/${listed.body.tasks[0]?.id}/document`);
  expect(doc.body.content).toContain('Everything in one go.');

  // The card's Move menu moves it without dragging (phones).
  await pickMenuItem(created, 'Move Ship it fast', 'Completed');
  await card(page, 'completed', 'Ship it fast').waitFor();
  await expect
    .poll(async () => (await admin<{ task: TaskDto }>('GET', `/api/tasks/${listed.body.tasks[0]?.id}`)).body.task.status)
    .toBe('completed');
});

it('takes screenshots of the dashboard and the board at desktop and phone widths', async () => {
  for (const [name, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    const page = await w.newPage(viewport);
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('article', { name: 'Beta' }).waitFor();
    await w.screenshot(page, `dashboard-${name}`);
    await page.getByRole('link', { name: 'Beta' }).click();
    await page.waitForURL((u) => u.pathname === `/projects/${beta.id}`);
    await card(page, 'pending', 'Shared work').waitFor();
    await w.screenshot(page, `board-${name}`);
    // A card's Move menu, open: the card's column checked, inside the screen on a phone.
    await card(page, 'pending', 'Shared work').getByRole('button', { name: 'Move Shared work' }).click();
    await page.getByRole('menu').getByRole('menuitemradio', { name: 'Pending' }).waitFor();
    const box = await page.getByRole('menu').boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= viewport.width).toBe(true);
    await w.screenshot(page, `board-move-menu-${name}`);
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'detached' });
  }
});

it("sets a column limit in the Edit project dialog; the full column says so and refuses a card moved in, showing the server's message", async () => {
  const delta = await createProject(admin, 'Delta');
  for (const title of ['Review copy', 'Review layout']) {
    const t = await createTask(admin, delta.id, title);
    expect((await admin('PATCH', `/api/tasks/${t.id}`, { status: 'in_review' })).status).toBe(200);
  }
  const waiting = await createTask(admin, delta.id, 'Waiting its turn');

  const desktop = await w.newPage(DESKTOP);
  await logIn(desktop, 'admin', ADMIN_PASSWORD);
  await desktop.getByRole('button', { name: 'Edit Delta' }).click();
  const dialog = desktop.getByRole('dialog', { name: 'Edit project' });
  const form = dialog.getByRole('form', { name: 'Column limits' });
  await form.getByRole('spinbutton', { name: 'In Review' }).fill('2');
  await form.getByText('At most 2 tasks.').waitFor();
  await form.scrollIntoViewIfNeeded();
  await w.screenshot(desktop, 'project-column-limits-desktop');
  await form.getByRole('button', { name: 'Save column limits' }).click();
  await form.getByText('Saved.').waitFor();
  await desktop.keyboard.press('Escape');
  expect((await admin<{ wipLimits: unknown }>('GET', `/api/projects/${delta.id}/wip-limits`)).body.wipLimits).toEqual({
    pending: null,
    in_progress: null,
    in_review: 2,
  });

  for (const [name, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    const page = name === 'desktop' ? desktop : await w.newPage(viewport);
    if (name === 'phone') await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto(`/projects/${delta.id}`);
    const full = column(page, 'in_review').getByLabel('2 of 2 tasks, full');
    await full.waitFor();
    expect(await full.textContent()).toBe('2 / 2');
    await card(page, 'pending', 'Waiting its turn').waitFor();
    await pickMenuItem(card(page, 'pending', 'Waiting its turn'), 'Move Waiting its turn', 'In Review');
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'column is full' }).textContent())
      .toBe('cannot move the task from Pending to In Review: the In Review column is full (2 of 2 tasks); finish or move one first');
    // Put back where it was; nothing moved on the server.
    await card(page, 'pending', 'Waiting its turn').waitFor();
    expect(await column(page, 'in_review').getByLabel('2 of 2 tasks, full').textContent()).toBe('2 / 2');
    // On a phone the columns scroll sideways: bring the full one into view.
    await column(page, 'in_review').scrollIntoViewIfNeeded();
    expect(await a11yViolations(page)).toEqual([]);
    await w.screenshot(page, `board-column-full-${name}`);
  }
  expect((await admin<{ task: TaskDto }>('GET', `/api/tasks/${waiting.id}`)).body.task.status).toBe('pending');

  // A full Pending column takes no new task: the New task dialog stays open with the server's message.
  expect((await admin('PUT', `/api/projects/${delta.id}/wip-limits`, { pending: 1, in_progress: null, in_review: 2 })).status).toBe(200);
  await desktop.reload();
  await column(desktop, 'pending').getByLabel('1 of 1 task, full').waitFor();
  await desktop.getByRole('button', { name: 'New task' }).click();
  const taskDialog = desktop.getByRole('dialog', { name: 'New task' });
  await taskDialog.getByLabel('Title').fill('One too many');
  await taskDialog.getByRole('button', { name: 'Create task' }).click();
  await expect
    .poll(() => taskDialog.getByRole('alert').textContent())
    .toBe('cannot create the task: the Pending column is full (1 of 1 task); finish or move one first');
  expect((await admin<{ tasks: TaskDto[] }>('GET', `/api/projects/${delta.id}/tasks`)).body.tasks.map((t) => t.title)).not.toContain(
    'One too many',
  );
});
