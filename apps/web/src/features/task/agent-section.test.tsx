// The agent section rendered: the pipeline strip and the one next action
// (approve or revise the plan, unblock, resume), one button per role under
// "Run an agent" labelled with its derived state, the busy notice on a 409,
// the connect-provider modal on a 403 PROVIDER_CREDENTIALS_MISSING, a
// started run landing in the runs cache, and an agent's question taking over
// the banner live as it is asked and answered.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import type { AgentRunDto, ConversationDto, TaskDto } from '@bottega/protocol';
import { keys } from '../../lib/keys';
import { applyServerEvent } from '../../lib/live';
import { AgentSection } from './agent-section';
import { makeConversation, makeRun, makeTask } from './task-fixtures';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderSection(task: TaskDto, runs: AgentRunDto[], maxIterations?: number, conversations: ConversationDto[] = []) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } } });
  qc.setQueryData(keys.taskRuns(task.id), runs);
  qc.setQueryData(keys.taskConversations(task.id), conversations);
  if (maxIterations !== undefined) qc.setQueryData(keys.maxIterations, maxIterations);
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <AgentSection task={task} runs={runs} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return qc;
}

/** Answers every request with `status` and `body`, recording the writes (not the reads a started run refreshes). */
function answerWith(status: number, body: unknown) {
  const calls: { url: string; method: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const method = init.method ?? 'GET';
      if (method !== 'GET') calls.push({ url, method, body: init.body ? JSON.parse(String(init.body)) : undefined });
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    }),
  );
  return calls;
}

const buttonStates = () =>
  within(screen.getByTestId('run-an-agent'))
    .getAllByRole('listitem')
    .map((li) => [li.dataset.testid, li.dataset.state, within(li).getByRole('button').textContent]);

describe('AgentSection', () => {
  it('shows one button per workflow role with its derived state', () => {
    const task = makeTask({ planificationComplete: true });
    renderSection(task, [
      makeRun(1, 'planification', 'completed'),
      makeRun(2, 'implementation', 'completed'),
      makeRun(3, 'review', 'running'),
      makeRun(4, 'refinement', 'failed', { failureReason: 'boom' }),
    ]);
    expect(buttonStates()).toEqual([
      ['agent-planification', 'completed', 'Completed'],
      ['agent-implementation', 'completed', 'Completed'],
      ['agent-review', 'running', 'Running'],
      ['agent-refinement', 'failed', 'Failed'],
      ['agent-pr', 'idle', 'Run'],
    ]);
    expect(screen.getByRole('button', { name: 'Review: Running' }).hasAttribute('disabled')).toBe(true);
    expect(screen.getByRole('button', { name: 'Pull request: Run' }).hasAttribute('disabled')).toBe(false);
    expect(screen.getByRole('region', { name: 'What next' }).textContent).toContain('The review agent is working.');
    expect(screen.getByRole('list', { name: 'Pipeline' }).querySelector('[data-stage="review"]')?.getAttribute('data-state')).toBe(
      'running',
    );
    expect(screen.getByTestId('agent-review').querySelector('a')?.getAttribute('href')).toBe('/projects/3/tasks/7/chat/30');
  });

  it("shows the loop's iteration against the cap on the review stage, as the board card says it", () => {
    renderSection(
      makeTask({ planificationComplete: true, workflowRunCount: 3 }),
      [makeRun(1, 'planification', 'completed'), makeRun(2, 'implementation', 'completed'), makeRun(3, 'review', 'running')],
      25,
    );
    const review = screen.getByRole('list', { name: 'Pipeline' }).querySelector('[data-stage="review"]')!;
    expect(review.textContent).toContain('Iteration 3 of 25');
    expect(within(review as HTMLElement).getByLabelText('Review, iteration 3 of 25: running')).toBeTruthy();
  });

  it('shows no iteration before any agent ran, and the bare count while the cap is unknown', () => {
    renderSection(makeTask(), [], 25);
    expect(screen.getByRole('list', { name: 'Pipeline' }).textContent).not.toMatch(/Iteration/);
    cleanup();
    renderSection(makeTask({ workflowRunCount: 2 }), [makeRun(1, 'planification', 'completed'), makeRun(2, 'implementation', 'running')]);
    expect(screen.getByLabelText('Review, iteration 2: not reached')).toBeTruthy();
  });

  it('shows only the YOLO agent on a YOLO task', () => {
    renderSection(makeTask({ yoloMode: true }), []);
    expect(buttonStates()).toEqual([['agent-yolo', 'idle', 'Run']]);
  });

  it('starts a run and puts it in the runs cache', async () => {
    const task = makeTask();
    const started = makeRun(9, 'planification', 'running');
    const calls = answerWith(201, { run: started });
    const qc = renderSection(task, []);
    fireEvent.click(screen.getByRole('button', { name: 'Planning: Run' }));
    await waitFor(() => expect(qc.getQueryData(keys.taskRuns(task.id))).toEqual([started]));
    expect(calls[0]).toEqual({ url: '/api/tasks/7/agent-runs', method: 'POST', body: { agentType: 'planification' } });
    expect(screen.queryByTestId('busy-notice')).toBeNull();
  });

  it('shows the busy notice when the server says an agent is already running', async () => {
    answerWith(409, { error: { code: 'RUN_IN_PROGRESS', message: 'an agent is already running on this task' } });
    renderSection(makeTask(), []);
    fireEvent.click(screen.getByRole('button', { name: 'Implementation: Run' }));
    const notice = await screen.findByTestId('busy-notice');
    expect(notice.textContent).toMatch(/already running on this task/);
    fireEvent.click(within(notice).getByRole('button', { name: 'Dismiss notice' }));
    expect(screen.queryByTestId('busy-notice')).toBeNull();
  });

  it('opens the connect-provider modal on a missing provider', async () => {
    answerWith(403, { error: { code: 'PROVIDER_CREDENTIALS_MISSING', message: 'connect a provider' } });
    renderSection(makeTask(), []);
    fireEvent.click(screen.getByRole('button', { name: 'Planning: Run' }));
    const dialog = await screen.findByRole('dialog', { name: 'Connect a provider first' });
    expect(within(dialog).getByRole('link', { name: 'Connect a provider' }).getAttribute('href')).toBe('/settings/providers');
    expect(screen.queryByTestId('busy-notice')).toBeNull();
  });

  it('shows other errors inline', async () => {
    answerWith(409, { error: { code: 'CONFLICT', message: 'the task is completed' } });
    renderSection(makeTask(), []);
    fireEvent.click(screen.getByRole('button', { name: 'Review: Run' }));
    expect((await screen.findByRole('alert')).textContent).toBe('the task is completed');
  });

  it('approves the plan by starting implementation', async () => {
    const calls = answerWith(201, { run: makeRun(5, 'implementation', 'running') });
    renderSection(makeTask({ planificationComplete: true }), [makeRun(4, 'planification', 'completed')]);
    const banner = screen.getByRole('region', { name: 'What next' });
    expect(banner.textContent).toContain('The plan is ready for your review.');
    fireEvent.click(within(banner).getByRole('button', { name: 'Approve plan' }));
    await waitFor(() => expect(calls).toEqual([{ url: '/api/tasks/7/agent-runs', method: 'POST', body: { agentType: 'implementation' } }]));
  });

  it('revises the plan: planning runs again with the note', async () => {
    const calls = answerWith(201, { run: makeRun(5, 'planification', 'running') });
    renderSection(makeTask({ planificationComplete: true }), [makeRun(4, 'planification', 'completed')]);
    const banner = screen.getByRole('region', { name: 'What next' });
    fireEvent.click(within(banner).getByRole('button', { name: 'Revise plan…' }));
    const submit = within(banner).getByRole('button', { name: 'Revise plan' });
    expect(submit.hasAttribute('disabled')).toBe(true);
    fireEvent.change(within(banner).getByLabelText('What should change in the plan?'), { target: { value: '  Keep greet as it is.  ' } });
    fireEvent.click(submit);
    await waitFor(() =>
      expect(calls).toEqual([
        { url: '/api/tasks/7/agent-runs', method: 'POST', body: { agentType: 'planification', note: 'Keep greet as it is.' } },
      ]),
    );
  });

  it('unblocks a blocked task by starting the implementation agent by hand', async () => {
    const calls = answerWith(201, { run: makeRun(5, 'implementation', 'running') });
    renderSection(makeTask({ planificationComplete: true, workflowBlocked: true, blockReason: 'The API key is missing' }), [
      makeRun(3, 'implementation', 'completed'),
      makeRun(4, 'review', 'completed'),
    ]);
    const banner = screen.getByRole('region', { name: 'What next' });
    expect(banner.textContent).toContain('The API key is missing');
    fireEvent.click(within(banner).getByRole('button', { name: 'Unblock' }));
    await waitFor(() => expect(calls).toEqual([{ url: '/api/tasks/7/agent-runs', method: 'POST', body: { agentType: 'implementation' } }]));
  });

  it("shows a block's detail under the server's reason, to scroll and to copy, beside Unblock", async () => {
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const detail = 'FAIL src/greet.test.ts\n  expected "Bonjour" to be "Salut"';
    renderSection(
      makeTask({
        planificationComplete: true,
        workflowBlocked: true,
        blockReason: 'CI failed in 3 rounds, the limit for this project.',
        blockDetail: detail,
      }),
      [makeRun(3, 'pr', 'completed')],
    );
    const banner = screen.getByRole('region', { name: 'What next' });
    expect(banner.textContent).toContain('CI failed in 3 rounds, the limit for this project.');
    const block = within(banner).getByRole('region', { name: 'Block details' });
    expect(block.tagName).toBe('PRE');
    expect(block.textContent).toBe(detail);
    expect(block.className).toContain('overflow-auto');
    expect(within(banner).getByRole('button', { name: 'Unblock' })).toBeTruthy();
    fireEvent.click(within(banner).getByRole('button', { name: 'Copy the details' }));
    expect(await within(banner).findByText('Copied.')).toBeTruthy();
    expect(writeText).toHaveBeenCalledWith(detail);
  });

  it('unblocks a task the PR agent blocked with the PR agent, and offers the implementation agent instead', async () => {
    const calls = answerWith(201, { run: makeRun(5, 'pr', 'running') });
    renderSection(
      makeTask({
        planificationComplete: true,
        workflowBlocked: true,
        prUrl: 'https://github.com/o/r/pull/7',
        blockReason: 'Pull request #7 conflicts with main in a.ts.',
        blockDetail: 'a.ts',
      }),
      [makeRun(2, 'review', 'completed'), makeRun(3, 'pr', 'completed')],
    );
    const banner = screen.getByRole('region', { name: 'What next' });
    expect(banner.textContent).toContain('the pull request agent takes the pull request up where it stopped');
    expect(within(banner).getByRole('button', { name: 'Unblock with the implementation agent' })).toBeTruthy();
    fireEvent.click(within(banner).getByRole('button', { name: 'Unblock' }));
    await waitFor(() => expect(calls).toEqual([{ url: '/api/tasks/7/agent-runs', method: 'POST', body: { agentType: 'pr' } }]));
  });

  it('says so when the details cannot be copied, and shows no details block without any', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined });
    renderSection(makeTask({ workflowBlocked: true, blockReason: 'Conflicts with main.', blockDetail: 'src/a.ts\nsrc/b.ts' }), []);
    fireEvent.click(screen.getByRole('button', { name: 'Copy the details' }));
    expect(await screen.findByText(/Copying failed/)).toBeTruthy();
    cleanup();
    renderSection(makeTask({ workflowBlocked: true, blockReason: 'The API key is missing' }), []);
    expect(screen.queryByRole('region', { name: 'Block details' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Copy the details' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Unblock with the implementation agent' })).toBeNull();
  });

  it('resumes an interrupted run in its own session', async () => {
    const calls = answerWith(200, { run: makeRun(4, 'implementation', 'running') });
    renderSection(makeTask(), [
      makeRun(4, 'implementation', 'interrupted', { failureReason: 'the server stopped while this run was active' }),
    ]);
    const banner = screen.getByRole('region', { name: 'What next' });
    expect(banner.textContent).toContain('the server stopped');
    fireEvent.click(within(banner).getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(calls.map((c) => [c.method, c.url])).toEqual([['POST', '/api/agent-runs/4/resume']]));
  });

  it('disables every button on a completed task', () => {
    renderSection(makeTask({ status: 'completed' }), []);
    expect(screen.getByRole('region', { name: 'What next' }).textContent).toContain('This task is completed.');
    for (const b of screen.getAllByRole('button')) expect(b.hasAttribute('disabled')).toBe(true);
  });

  it('says why the pull request agent stopped without a pull request, and offers to run it again', () => {
    renderSection(makeTask({ planificationComplete: true, workflowComplete: true, prStopReason: 'The repository has no GitHub remote.' }), [
      makeRun(1, 'planification', 'completed'),
      makeRun(2, 'implementation', 'completed'),
      makeRun(3, 'review', 'completed'),
      makeRun(4, 'pr', 'completed'),
    ]);
    const banner = screen.getByRole('region', { name: 'What next' });
    expect(banner.textContent).toContain('The pull request agent stopped without a pull request.');
    expect(banner.textContent).toContain('The repository has no GitHub remote.');
    expect(within(banner).getByRole('button', { name: 'Run the pull request agent again' })).toBeTruthy();
  });

  it('shows an open pull request with its link, CI state and the merge action', () => {
    const prUrl = 'https://github.com/acme/app/pull/3';
    renderSection(makeTask({ status: 'in_review', prAgentComplete: true, prUrl, prCiState: 'success' }), [makeRun(4, 'pr', 'completed')]);
    const banner = screen.getByRole('region', { name: 'What next' });
    expect(within(banner).getByRole('link', { name: 'Open pull request' }).getAttribute('href')).toBe(prUrl);
    expect(banner.textContent).toContain('CI passed');
    expect(within(banner).getByRole('button', { name: 'Merge & clean up' })).toBeTruthy();
  });

  it("says the planner waits for the user's answer, with the link to its conversation as the one action", () => {
    renderSection(makeTask(), [makeRun(1, 'planification', 'running')], undefined, [makeConversation(10, { questionWaiting: true })]);
    const banner = screen.getByRole('region', { name: 'What next' });
    expect(banner.textContent).toContain('The planning agent has a question for you.');
    expect(banner.textContent).not.toContain('is working');
    expect(within(banner).getByRole('link', { name: 'Answer the question' }).getAttribute('href')).toBe('/projects/3/tasks/7/chat/10');
    expect(screen.getByRole('list', { name: 'Pipeline' }).querySelector('[data-stage="plan"]')?.getAttribute('data-state')).toBe('current');
  });

  it("names a manual chat when the question is not an agent run's", () => {
    renderSection(makeTask(), [], undefined, [makeConversation(12, { kind: 'chat', questionWaiting: true })]);
    const banner = screen.getByRole('region', { name: 'What next' });
    expect(banner.textContent).toContain('An agent in a chat of this task has a question for you.');
    expect(within(banner).getByRole('link', { name: 'Answer the question' }).getAttribute('href')).toBe('/projects/3/tasks/7/chat/12');
  });

  it('turns to the question when it is asked and back when it is answered or its turn ends, without a reload', async () => {
    const qc = renderSection(makeTask(), [makeRun(1, 'planification', 'running')], undefined, [makeConversation(10)]);
    const banner = () => screen.getByRole('region', { name: 'What next' });
    expect(banner().textContent).toContain('The planning agent is working.');
    const route = { projectId: 3, taskId: 7, conversationId: 10, toolUseId: 'tu-1' };
    act(() => applyServerEvent(qc, { type: 'question.asked', ...route, questions: [] }));
    await waitFor(() => expect(banner().textContent).toContain('The planning agent has a question for you.'));
    act(() => applyServerEvent(qc, { type: 'question.answered', ...route }));
    await waitFor(() => expect(banner().textContent).toContain('The planning agent is working.'));
    expect(within(banner()).queryByRole('link', { name: 'Answer the question' })).toBeNull();
    // A turn stopped while it waits leaves no question open either.
    act(() => applyServerEvent(qc, { type: 'question.asked', ...route, toolUseId: 'tu-2', questions: [] }));
    await waitFor(() => expect(banner().textContent).toContain('has a question for you'));
    act(() => applyServerEvent(qc, { type: 'streaming.ended', projectId: 3, taskId: 7, conversationId: 10 }));
    await waitFor(() => expect(banner().textContent).not.toContain('has a question for you'));
  });
});
