// The task page's Pull request panel: CI rounds as a timeline against the cap with a failed
// round's checks and its log excerpt behind a disclosure, mergeability (conflicting files named),
// review threads with their state and the last reply, empty states saying what will appear, and
// the panel read again when the task changes.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { PrCiRoundDto, PrReviewThreadDto, PullRequestStageDto } from '@bottega/protocol';
import { applyServerEvent } from '../../lib/live';
import { ago } from '../../lib/ago';
import { hasPullRequestStage, PullRequestPanel, PullRequestStage } from './pr-panel';
import { makeTask } from './task-fixtures';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const NOW = Date.parse('2026-12-03T12:00:00.000Z');
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();

const failed: PrCiRoundDto = {
  round: 1,
  headSha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  state: 'failure',
  failingChecks: ['test'],
  logExcerpt: 'FAIL src/greet.test.ts\n  expected "Bonjour" to be "Salut"',
  detailsUrl: 'https://github.com/o/r/actions/runs/11/job/12',
  agentRunId: 4,
  recordedAt: at(9),
  updatedAt: at(8),
};
const passed: PrCiRoundDto = {
  ...failed,
  round: 2,
  headSha: 'ffeeddccbbaa00998877665544332211ffeeddcc',
  state: 'success',
  failingChecks: [],
  logExcerpt: null,
  detailsUrl: 'https://github.com/o/r/actions/runs/13',
  recordedAt: at(3),
  updatedAt: at(2),
};
const thread = (over: Partial<PrReviewThreadDto>): PrReviewThreadDto => ({
  id: 'PRRT_1',
  path: 'src/greet.ts',
  line: 12,
  author: 'alice',
  body: 'Please keep the old greeting as a fallback.',
  url: 'https://github.com/o/r/pull/7#discussion_r1',
  resolved: false,
  replyCount: 0,
  lastReplyAuthor: null,
  lastReplyBody: null,
  updatedAt: at(1),
  ...over,
});

const settings = { updateStrategy: 'rebase' as const, maxCiRounds: null, effectiveMaxCiRounds: 3, instanceMaxCiRounds: 3 };
const stage = (over: Partial<PullRequestStageDto> = {}): PullRequestStageDto => ({
  url: 'https://github.com/o/r/pull/7',
  mergeable: 'MERGEABLE',
  conflictFiles: [],
  ciRounds: [failed, passed],
  threads: [],
  settings,
  ...over,
});

const show = (s: PullRequestStageDto) => render(<PullRequestStage stage={s} now={NOW} />);

describe('PullRequestStage', () => {
  it('lists the CI rounds in order against the cap, a failed one with its check and when', () => {
    show(stage());
    expect(screen.getByText('2 of 3 rounds')).toBeTruthy();
    const rounds = within(screen.getByRole('list', { name: 'CI rounds' })).getAllByRole('listitem');
    expect(rounds.map((r) => r.dataset.roundState)).toEqual(['failure', 'success']);
    expect(rounds[0]?.textContent).toContain('Round 1');
    expect(rounds[0]?.textContent).toContain('failed');
    expect(within(rounds[0]!).getByText('test').tagName).toBe('CODE');
    expect(rounds[0]?.textContent).toContain('8 min ago');
    expect(rounds[0]?.textContent).toContain('a1b2c3d');
    expect(rounds[1]?.textContent).toContain('Round 2');
    expect(rounds[1]?.textContent).toContain('passed');
    // A passed round has no log to show.
    expect(within(rounds[1]!).queryByRole('button')).toBeNull();
    expect(
      within(rounds[0]!)
        .getByRole('link', { name: /failing check on GitHub/ })
        .getAttribute('href'),
    ).toBe(failed.detailsUrl);
  });

  it('opens and closes the log excerpt of a failed round', () => {
    show(stage());
    const toggle = screen.getByRole('button', { name: 'Log excerpt of round 1' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('region', { name: 'Log excerpt of round 1' })).toBeNull();
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const log = screen.getByRole('region', { name: 'Log excerpt of round 1' });
    expect(log.tagName).toBe('PRE');
    expect(log.textContent).toBe(failed.logExcerpt);
    expect(log.className).toContain('max-h-');
    expect(log.className).toContain('overflow-auto');
    expect(toggle.getAttribute('aria-controls')).toBe(log.id);
    fireEvent.click(toggle);
    expect(screen.queryByRole('region', { name: 'Log excerpt of round 1' })).toBeNull();
  });

  it('says a round is still running', () => {
    show(stage({ ciRounds: [{ ...passed, round: 1, state: 'pending', detailsUrl: null }] }));
    expect(screen.getByText('1 of 3 rounds')).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'CI rounds' })).getByRole('listitem').textContent).toContain('running');
  });

  it('names the files that conflict with the default branch', () => {
    show(stage({ mergeable: 'CONFLICTING', conflictFiles: ['src/a.ts', 'src/b.ts'] }));
    expect(screen.getByText('Conflicts with the default branch in:')).toBeTruthy();
    const files = within(screen.getByRole('list', { name: 'Conflicting files' })).getAllByRole('listitem');
    expect(files.map((f) => f.textContent)).toEqual(['src/a.ts', 'src/b.ts']);
  });

  it('says whether it is mergeable, or that GitHub is still checking', () => {
    show(stage());
    expect(screen.getByText(/Mergeable: no conflicts/)).toBeTruthy();
    cleanup();
    show(stage({ mergeable: 'UNKNOWN' }));
    expect(screen.getByText('GitHub is still checking whether it can be merged.')).toBeTruthy();
    expect(screen.queryByText(/Mergeable:/)).toBeNull();
  });

  it('lists the review threads with place, author, state, replies and the last answer', () => {
    show(
      stage({
        threads: [
          thread({
            resolved: true,
            replyCount: 1,
            lastReplyAuthor: 'bottega-bot',
            lastReplyBody: 'Done: greet falls back to "Hello".',
          }),
          thread({ id: 'PRRT_2', path: 'README.md', line: null, author: 'bob', body: 'Document the French greeting.' }),
        ],
      }),
    );
    expect(screen.getByText('1 of 2 threads resolved')).toBeTruthy();
    const list = screen.getByRole('list', { name: 'Review threads' });
    const done = within(list).getByRole('listitem', { name: 'src/greet.ts:12, resolved' });
    expect(within(done).getByText('Resolved')).toBeTruthy();
    expect(done.textContent).toContain('alice wrote:');
    expect(done.textContent).toContain('Please keep the old greeting as a fallback.');
    expect(done.textContent).toContain('1 reply');
    expect(done.textContent).toContain('Last reply by bottega-bot:');
    expect(done.textContent).toContain('Done: greet falls back to "Hello".');
    expect(
      within(done)
        .getByRole('link', { name: /On GitHub/ })
        .getAttribute('href'),
    ).toBe('https://github.com/o/r/pull/7#discussion_r1');
    const open = within(list).getByRole('listitem', { name: 'README.md, open' });
    expect(within(open).getByText('Open')).toBeTruthy();
    expect(open.textContent).toContain('No replies yet');
    expect(open.textContent).not.toContain('Last reply');
  });

  it('says what will appear, and when, before anything was recorded', () => {
    show(stage({ mergeable: null, ciRounds: [], threads: [] }));
    expect(screen.queryByRole('list')).toBeNull();
    expect(screen.getByText('at most 3')).toBeTruthy();
    expect(screen.getByText(/No CI rounds yet\. Each push to the pull request's branch starts one/)).toBeTruthy();
    expect(screen.getByText(/After 3 failing rounds the task stops for you/)).toBeTruthy();
    expect(screen.getByText(/No review threads\. Inline comments of a review on GitHub appear here/)).toBeTruthy();
    expect(screen.getByText(/Not read yet/)).toBeTruthy();
  });
});

describe('PullRequestPanel', () => {
  it('reads the stage from the server and again when the task changes', async () => {
    let reads = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        expect(url).toBe('/api/tasks/7/pull-request');
        reads += 1;
        const body = { pullRequest: stage({ ciRounds: reads === 1 ? [failed] : [failed, passed] }) };
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      }),
    );
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const task = makeTask({ prUrl: 'https://github.com/o/r/pull/7', prCiRounds: 1 });
    render(
      <QueryClientProvider client={qc}>
        <PullRequestPanel task={task} />
      </QueryClientProvider>,
    );
    const panel = screen.getByRole('region', { name: 'Pull request' });
    expect(
      within(panel)
        .getByRole('link', { name: /Open on GitHub/ })
        .getAttribute('href'),
    ).toBe(task.prUrl);
    expect(await within(panel).findByText('1 of 3 rounds')).toBeTruthy();
    await act(async () => {
      applyServerEvent(qc, { type: 'task.updated', projectId: task.projectId, taskId: task.id, task: { ...task, prCiRounds: 2 } });
      await new Promise((r) => setTimeout(r, 0));
    });
    await waitFor(() => expect(within(panel).getByText('2 of 3 rounds')).toBeTruthy());
  });

  it('is shown once the task has a pull request or anything recorded of one', () => {
    expect(hasPullRequestStage(makeTask())).toBe(false);
    expect(hasPullRequestStage(makeTask({ prUrl: 'https://github.com/o/r/pull/7' }))).toBe(true);
    expect(hasPullRequestStage(makeTask({ prCiRounds: 1 }))).toBe(true);
    expect(hasPullRequestStage(makeTask({ prMergeable: 'UNKNOWN' }))).toBe(true);
    expect(hasPullRequestStage(makeTask({ prThreadsTotal: 2 }))).toBe(true);
  });

  it('writes times coarsely', () => {
    expect([at(0), at(2), at(150), at(60 * 24), at(60 * 24 * 3)].map((t) => ago(t, NOW))).toEqual([
      'just now',
      '2 min ago',
      '2 h ago',
      '1 day ago',
      '3 days ago',
    ]);
  });
});
