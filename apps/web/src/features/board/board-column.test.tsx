// The board columns rendered for real: cards grouped under their status with
// flags and the running agent, cards moving between columns when server
// events arrive (through the registered reducer), drag and drop and the Move
// menu asking for a move, and "Load more" fetching the next page.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, createEvent, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter, useLocation } from 'react-router';
import type { AgentRunDto, ServerEvent, TaskStatus } from '@bottega/protocol';
import { taskStatuses } from '@bottega/protocol';
import { keys } from '../../lib/keys';
import { applyServerEvent } from '../../lib/live';
import { BoardColumn, DRAG_TYPE, type ColumnActions } from './board-column';
import { buildRun, buildTask, pages } from './board-fixtures';
import { runsByTask, type ColumnData } from './columns';
import { pickMenuItem } from '../../ui/test-support';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const PROJECT = 1;

function renderBoard(
  columns: Partial<Record<TaskStatus, ColumnData>>,
  opts: {
    runs?: AgentRunDto[];
    actions?: Partial<ColumnActions>;
    counts?: Record<TaskStatus, number>;
    limits?: Partial<Record<TaskStatus, number>>;
  } = {},
) {
  const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  for (const s of taskStatuses) qc.setQueryData(keys.taskColumn(PROJECT, s), columns[s] ?? pages([]));
  const actions: ColumnActions = { onMove: vi.fn(), onEdit: vi.fn(), ...opts.actions };
  const runs = runsByTask(opts.runs);
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        {taskStatuses.map((s) => (
          <BoardColumn
            key={s}
            projectId={PROJECT}
            status={s}
            runs={runs}
            actions={actions}
            count={opts.counts?.[s]}
            limit={opts.limits?.[s] ?? null}
          />
        ))}
        <Where />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return { qc, actions };
}

/** Shows where the router is, to tell a card that opened from one that did not. */
function Where() {
  return <output data-testid="where">{useLocation().pathname}</output>;
}

/** Applies a server event and lets the query cache notify the rendered columns. */
async function emit(qc: QueryClient, event: ServerEvent) {
  await act(async () => {
    applyServerEvent(qc, event);
    await new Promise((r) => setTimeout(r, 0));
  });
}

const column = (label: string) => screen.getByRole('region', { name: label });
const titlesIn = (label: string) =>
  within(column(label))
    .queryAllByRole('article')
    .map((a) => a.getAttribute('aria-label'));

describe('BoardColumn', () => {
  it('renders each task under its status, newest first, with flags and the running agent', () => {
    renderBoard(
      {
        pending: pages([buildTask(3, 'pending', { title: 'Write docs', yoloMode: true }), buildTask(1, 'pending', { title: 'Fix login' })]),
        in_progress: pages([
          buildTask(2, 'in_progress', { title: 'Add search' }),
          buildTask(6, 'in_progress', { title: 'Add filters', workflowBlocked: true, blockReason: 'Missing API key' }),
        ]),
      },
      { runs: [buildRun(7, 2, 'running')] },
    );
    expect(titlesIn('Pending')).toEqual(['Write docs', 'Fix login']);
    expect(titlesIn('In Progress')).toEqual(['Add search', 'Add filters']);
    expect(titlesIn('In Review')).toEqual([]);
    expect(within(column('Completed')).getByText('No tasks')).toBeTruthy();

    const yolo = within(column('Pending')).getByRole('article', { name: 'Write docs' });
    expect(within(yolo).getByText('YOLO')).toBeTruthy();
    expect(within(yolo).queryByText('Blocked')).toBeNull();
    const blocked = within(column('In Progress')).getByRole('article', { name: 'Add filters' });
    expect(within(blocked).getByText('Blocked').closest('li')?.getAttribute('title')).toBe('Missing API key');
    const running = within(column('In Progress')).getByRole('article', { name: 'Add search' });
    expect(within(running).getByTestId('running-role').textContent).toBe('Implementing…');
    expect(within(running).getByRole('img', { name: /agent running/ })).toBeTruthy();
    expect(within(yolo).queryByRole('img')).toBeNull();
  });

  it('shows on a card the running role, the iteration of the cap, what needs the user, the PR, usage and creator', async () => {
    const facts = {
      creatorName: 'alice',
      usage: { inputTokens: 12_000, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.42 },
      questionWaiting: false,
      workStarted: true,
    };
    const { qc } = renderBoard(
      {
        in_progress: pages([buildTask(2, 'in_progress', { title: 'Add search', workflowRunCount: 3, board: facts })]),
        pending: pages([
          buildTask(4, 'pending', {
            title: 'Plan it',
            planificationComplete: true,
            workflowRunCount: 1,
            board: { ...facts, workStarted: false },
          }),
        ]),
        in_review: pages([
          buildTask(5, 'in_review', {
            title: 'Ship it',
            prUrl: 'https://github.com/o/r/pull/7',
            prAgentComplete: true,
            prCiState: 'failure',
            board: facts,
          }),
        ]),
      },
      { runs: [{ ...buildRun(7, 2, 'running'), agentType: 'review' }] },
    );
    const busy = within(column('In Progress')).getByRole('article', { name: 'Add search' });
    expect(within(busy).getByTestId('running-role').textContent).toBe('Reviewing…');
    expect(within(busy).getByText('Iteration 3 of 25')).toBeTruthy();
    expect(within(busy).getByText('by alice')).toBeTruthy();
    expect(within(busy).getByTestId('card-usage').textContent).toBe('12k tokens · $0.42');
    expect(within(busy).queryByRole('list', { name: 'Needs you' })).toBeNull();

    const plan = within(column('Pending')).getByRole('article', { name: 'Plan it' });
    expect(within(within(plan).getByRole('list', { name: 'Needs you' })).getByText('Plan to approve')).toBeTruthy();
    expect(within(plan).getByText('Iteration 1 of 25')).toBeTruthy();

    const ship = within(column('In Review')).getByRole('article', { name: 'Ship it' });
    expect(within(ship).getByText('PR ready')).toBeTruthy();
    expect(within(ship).getByRole('link', { name: 'PR of Ship it' }).getAttribute('href')).toBe('https://github.com/o/r/pull/7');
    expect(within(ship).getByTestId('card-pr').textContent).toContain('CI failing');

    // A question asked by the running agent marks its card at once; the answer clears it.
    await emit(qc, { type: 'question.asked', projectId: PROJECT, taskId: 2, conversationId: 3, toolUseId: 't1', questions: [] });
    expect(within(within(busy).getByRole('list', { name: 'Needs you' })).getByText('Question waiting')).toBeTruthy();
    // A task event (which carries no card facts) keeps them.
    await emit(qc, {
      type: 'task.updated',
      projectId: PROJECT,
      taskId: 2,
      task: buildTask(2, 'in_progress', { title: 'Add search', workflowRunCount: 4, updatedAt: '2030-02-01T00:00:00.000Z' }),
    });
    const again = within(column('In Progress')).getByRole('article', { name: 'Add search' });
    expect(within(again).getByText('Iteration 4 of 25')).toBeTruthy();
    expect(within(again).getByText('Question waiting')).toBeTruthy();
    await emit(qc, { type: 'question.answered', projectId: PROJECT, taskId: 2, conversationId: 3, toolUseId: 't1' });
    expect(within(again).queryByText('Question waiting')).toBeNull();

    // Implementation starting passes the plan gate.
    await emit(qc, {
      type: 'agent-run.updated',
      projectId: PROJECT,
      taskId: 4,
      run: { ...buildRun(8, 4, 'running'), agentType: 'implementation' },
    });
    expect(within(column('Pending')).queryByText('Plan to approve')).toBeNull();
  });

  it("marks a card's pull request with its CI round, conflicts and open review threads only when there is something to say", () => {
    const pr = { prUrl: 'https://github.com/o/r/pull/7', prAgentComplete: true };
    renderBoard({
      in_review: pages([
        buildTask(5, 'in_review', {
          ...pr,
          title: 'Rough ride',
          prCiState: 'failure',
          prCiRounds: 3,
          prMergeable: 'CONFLICTING',
          prThreadsTotal: 2,
          prThreadsOpen: 1,
        }),
        buildTask(6, 'in_review', { ...pr, title: 'Threads done', prCiState: 'success', prCiRounds: 2, prThreadsTotal: 2 }),
        buildTask(7, 'in_review', { ...pr, title: 'Smooth', prCiState: 'success', prCiRounds: 1, prMergeable: 'MERGEABLE' }),
      ]),
    });
    const rough = within(column('In Review')).getByRole('article', { name: 'Rough ride' });
    expect(within(rough).getByTestId('card-ci-round').textContent).toBe('CI round 3');
    expect(within(rough).getByTestId('card-conflicts').textContent).toBe('Conflicts with the default branch');
    const threads = within(rough).getByTestId('card-threads');
    expect(threads.textContent).toContain('1 of 2 threads open');
    expect(within(threads).getByText('1 of 2 review threads open').className).toContain('sr-only');
    expect(threads.className).toContain('amber');

    const done = within(column('In Review')).getByRole('article', { name: 'Threads done' });
    expect(within(done).getByTestId('card-ci-round').textContent).toBe('CI round 2');
    expect(within(done).queryByTestId('card-conflicts')).toBeNull();
    expect(within(done).getByText('all 2 review threads resolved')).toBeTruthy();
    expect(within(done).getByTestId('card-threads').className).not.toContain('amber');

    const smooth = within(column('In Review')).getByRole('article', { name: 'Smooth' });
    expect(within(smooth).getByText('CI passed')).toBeTruthy();
    for (const id of ['card-ci-round', 'card-conflicts', 'card-threads']) expect(within(smooth).queryByTestId(id)).toBeNull();
  });

  it("counts each column from the project's counts and moves them with task events", async () => {
    const { qc } = renderBoard(
      { pending: pages([buildTask(1, 'pending', { title: 'One' })]) },
      { counts: { pending: 120, in_progress: 4, in_review: 0, completed: 9 } },
    );
    qc.setQueryData(keys.project(PROJECT), { id: PROJECT, taskCounts: { pending: 120, in_progress: 4, in_review: 0, completed: 9 } });
    expect(within(column('Pending')).getByLabelText('120 tasks')).toBeTruthy();
    await emit(qc, {
      type: 'task.updated',
      projectId: PROJECT,
      taskId: 1,
      task: buildTask(1, 'in_progress', { title: 'One', updatedAt: '2030-02-01T00:00:00.000Z' }),
    });
    expect(qc.getQueryData<{ taskCounts: Record<TaskStatus, number> }>(keys.project(PROJECT))?.taskCounts).toEqual({
      pending: 119,
      in_progress: 5,
      in_review: 0,
      completed: 9,
    });
    await emit(qc, { type: 'task.created', projectId: PROJECT, taskId: 2, task: buildTask(2, 'completed', { title: 'Two' }) });
    expect(qc.getQueryData<{ taskCounts: Record<TaskStatus, number> }>(keys.project(PROJECT))?.taskCounts.completed).toBe(10);
  });

  it('shows "n / limit" on a column with a limit, amber and read out as full once it is reached', () => {
    renderBoard({}, { counts: { pending: 7, in_progress: 2, in_review: 3, completed: 40 }, limits: { in_progress: 3, in_review: 3 } });
    const review = within(column('In Review')).getByLabelText('3 of 3 tasks, full');
    expect(review.textContent).toBe('3 / 3');
    expect(review.className).toContain('amber');
    const progress = within(column('In Progress')).getByLabelText('2 of 3 tasks');
    expect(progress.textContent).toBe('2 / 3');
    expect(progress.className).not.toContain('amber');
    // No limit: the count alone.
    expect(within(column('Pending')).getByLabelText('7 tasks').textContent).toBe('7');
    expect(within(column('Completed')).getByLabelText('40 tasks').textContent).toBe('40');
  });

  it('moves, inserts and removes cards by themselves as task events arrive', async () => {
    const { qc } = renderBoard({
      pending: pages([buildTask(3, 'pending', { title: 'Third' }), buildTask(1, 'pending', { title: 'First' })]),
      in_progress: pages([buildTask(2, 'in_progress', { title: 'Second' })]),
    });
    const moved = buildTask(1, 'in_progress', { title: 'First', updatedAt: '2030-02-01T00:00:00.000Z' });
    await emit(qc, { type: 'task.updated', projectId: PROJECT, taskId: 1, task: moved });
    expect(titlesIn('Pending')).toEqual(['Third']);
    expect(titlesIn('In Progress')).toEqual(['First', 'Second']);

    await emit(qc, { type: 'task.created', projectId: PROJECT, taskId: 9, task: buildTask(9, 'pending', { title: 'Brand new' }) });
    expect(titlesIn('Pending')).toEqual(['Brand new', 'Third']);

    // An event older than what the board shows does not move the card back.
    const stale = buildTask(1, 'pending', { title: 'First', updatedAt: '2030-01-15T00:00:00.000Z' });
    await emit(qc, { type: 'task.updated', projectId: PROJECT, taskId: 1, task: stale });
    expect(titlesIn('In Progress')).toEqual(['First', 'Second']);

    await emit(qc, { type: 'task.deleted', projectId: PROJECT, taskId: 2 });
    expect(titlesIn('In Progress')).toEqual(['First']);

    // Events of another project leave this board alone.
    await emit(qc, {
      type: 'task.created',
      projectId: 2,
      taskId: 50,
      task: buildTask(50, 'pending', { projectId: 2, title: 'Elsewhere' }),
    });
    expect(titlesIn('Pending')).toEqual(['Brand new', 'Third']);
  });

  it("keeps the project's live runs current from run events", async () => {
    const { qc } = renderBoard({ pending: pages([buildTask(4, 'pending', { title: 'Plan it' })]) });
    qc.setQueryData<AgentRunDto[]>(keys.activeRuns(PROJECT), []);
    await emit(qc, { type: 'agent-run.updated', projectId: PROJECT, taskId: 4, run: buildRun(11, 4, 'running') });
    expect(qc.getQueryData<AgentRunDto[]>(keys.activeRuns(PROJECT))?.map((r) => r.id)).toEqual([11]);
    await emit(qc, { type: 'agent-run.updated', projectId: PROJECT, taskId: 4, run: buildRun(11, 4, 'completed') });
    expect(qc.getQueryData<AgentRunDto[]>(keys.activeRuns(PROJECT))).toEqual([]);
  });

  it('shows a queued run as a calm place in line and a run waiting for quota, without the running indicator', () => {
    renderBoard(
      {
        in_progress: pages([
          buildTask(2, 'in_progress', { title: 'Add search' }),
          buildTask(3, 'in_progress', { title: 'Add export' }),
          buildTask(4, 'in_progress', { title: 'Add import' }),
        ]),
      },
      {
        runs: [
          { ...buildRun(7, 2, 'queued'), queue: { position: 3, reason: 'global_limit', resumeAt: null } },
          { ...buildRun(8, 3, 'queued'), queue: { position: 1, reason: 'user_limit', resumeAt: null } },
          { ...buildRun(9, 4, 'waiting_for_quota'), queue: { position: null, reason: 'quota', resumeAt: '2030-01-01T15:04:00.000Z' } },
        ],
      },
    );
    const third = within(column('In Progress')).getByRole('article', { name: 'Add search' });
    expect(within(third).getByTestId('queued-run').textContent).toBe('Queued · 3rd');
    expect(within(third).getByTestId('queued-run').getAttribute('title')).toBe(
      'Implementation run: Queued · 3 in line — the server is running as many agents as it may',
    );
    expect(within(third).queryByTestId('running-role')).toBeNull();
    expect(within(third).queryByRole('img', { name: /agent running/ })).toBeNull();
    expect(third.querySelector('.animate-spin, .animate-ping')).toBeNull();
    const next = within(column('In Progress')).getByRole('article', { name: 'Add export' });
    expect(within(next).getByTestId('queued-run').textContent).toBe('Next to start');
    const quota = within(column('In Progress')).getByRole('article', { name: 'Add import' });
    expect(within(quota).getByTestId('queued-run').textContent).toBe('Waiting for quota');
    expect(quota.querySelector('.animate-spin, .animate-ping')).toBeNull();
  });

  it("moves a queued run's place on the board when runs.queue says the line moved", async () => {
    const { qc } = renderBoard({ pending: pages([buildTask(4, 'pending', { title: 'Plan it' })]) });
    const queued = { ...buildRun(11, 4, 'queued'), queue: { position: 4, reason: 'global_limit' as const, resumeAt: null } };
    qc.setQueryData<AgentRunDto[]>(keys.activeRuns(PROJECT), [queued, buildRun(12, 5, 'running')]);
    await emit(qc, { type: 'runs.queue', projectId: PROJECT, queue: { 11: { position: 2, reason: 'global_limit', resumeAt: null } } });
    expect(qc.getQueryData<AgentRunDto[]>(keys.activeRuns(PROJECT))?.map((r) => r.queue?.position ?? null)).toEqual([2, null]);
    // Another project's line leaves this board's runs alone.
    await emit(qc, { type: 'runs.queue', projectId: 2, queue: { 11: { position: 1, reason: 'global_limit', resumeAt: null } } });
    expect(qc.getQueryData<AgentRunDto[]>(keys.activeRuns(PROJECT))?.[0]?.queue?.position).toBe(2);
  });

  it('asks to move a card dropped on another column, and not one dropped on its own', () => {
    const { actions } = renderBoard({ pending: pages([buildTask(1, 'pending', { title: 'Drag me' })]) });
    const store = new Map<string, string>();
    const dataTransfer = {
      get types() {
        return [...store.keys()];
      },
      setData: (type: string, value: string) => void store.set(type, value),
      getData: (type: string) => store.get(type) ?? '',
      dropEffect: 'none',
      effectAllowed: 'all',
    };
    fireEvent.dragStart(screen.getByRole('article', { name: 'Drag me' }), { dataTransfer });
    expect(store.has(DRAG_TYPE)).toBe(true);

    const over = createEvent.dragOver(column('In Review'), { dataTransfer });
    fireEvent(column('In Review'), over);
    expect(over.defaultPrevented).toBe(true);
    fireEvent.drop(column('Pending'), { dataTransfer });
    expect(actions.onMove).not.toHaveBeenCalled();
    fireEvent.drop(column('In Review'), { dataTransfer });
    expect(actions.onMove).toHaveBeenCalledTimes(1);
    expect(vi.mocked(actions.onMove).mock.calls[0]?.[0]).toMatchObject({ id: 1, status: 'pending' });
    expect(vi.mocked(actions.onMove).mock.calls[0]?.[1]).toBe('in_review');
  });

  it('offers a Move menu on each card for screens without drag', async () => {
    const { actions } = renderBoard({ in_review: pages([buildTask(5, 'in_review', { title: 'Check it' })]) });
    fireEvent.keyDown(screen.getByRole('button', { name: 'Move Check it' }), { key: 'Enter' });
    const menu = await screen.findByRole('menu', { name: 'Move Check it' });
    const choices = within(menu).getAllByRole('menuitemradio');
    expect(choices.map((c) => [c.textContent, c.getAttribute('aria-checked')])).toEqual([
      ['Pending', 'false'],
      ['In Progress', 'false'],
      ['In Review', 'true'],
      ['Completed', 'false'],
    ]);
    // Its own column is no move.
    fireEvent.click(within(menu).getByRole('menuitemradio', { name: 'In Review' }));
    expect(actions.onMove).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.queryByRole('menu')).toBeNull());

    await pickMenuItem('Move Check it', 'Completed');
    expect(actions.onMove).toHaveBeenCalledTimes(1);
    expect(vi.mocked(actions.onMove).mock.calls[0]?.[1]).toBe('completed');
    // Picking in the menu (a portal) does not open the card.
    expect(screen.getByTestId('where').textContent).toBe('/');
  });

  it('loads the next page of a column with its cursor', async () => {
    const fetchMock = vi.fn(
      async (_url: string) =>
        new Response(JSON.stringify({ tasks: [buildTask(1, 'completed', { title: 'Oldest' })], nextCursor: null }), { status: 200 }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const first: ColumnData = {
      pages: [{ tasks: [buildTask(8, 'completed', { title: 'Newest' })], nextCursor: 'cursor-1', maxIterations: 25 }],
      pageParams: [null],
    };
    renderBoard({ completed: first });
    fireEvent.click(within(column('Completed')).getByRole('button', { name: 'Load more' }));
    await screen.findByRole('article', { name: 'Oldest' });
    expect(titlesIn('Completed')).toEqual(['Newest', 'Oldest']);
    const url = new URL(String(fetchMock.mock.calls[0]?.[0]), 'http://localhost');
    expect(url.pathname).toBe('/api/projects/1/tasks');
    expect(Object.fromEntries(url.searchParams)).toEqual({ status: 'completed', limit: '50', cursor: 'cursor-1' });
    expect(within(column('Completed')).queryByRole('button', { name: 'Load more' })).toBeNull();
  });
});
