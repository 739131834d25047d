// The usage panel and the run history's usage line: compact token counts,
// costs with enough digits for small amounts, "no price" (never $0) for an
// unpriced model, roles with their run counts, and manual chats apart.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import type { TaskUsageDto, UsageTotalsDto } from '@bottega/protocol';
import { RunHistory } from './task-history';
import { makeRun, makeTask } from './task-fixtures';
import { formatCost, formatTokens, usageSummary } from './usage-format';
import { UsagePanel, UsageTable } from './usage-panel';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const u = (
  inputTokens: number,
  outputTokens: number,
  costUsd: number | null,
  cacheReadTokens = 0,
  cacheWriteTokens = 0,
): UsageTotalsDto => ({ inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costUsd });

describe('usage formatting', () => {
  it('writes token counts compactly', () => {
    expect([0, 999, 1000, 1234, 12_345, 999_999, 1_234_567, 12_345_678].map(formatTokens)).toEqual([
      '0',
      '999',
      '1.0k',
      '1.2k',
      '12k',
      '1.00M',
      '1.23M',
      '12.3M',
    ]);
  });

  it('writes costs in dollars, small ones with four decimals, unpriced ones as no price', () => {
    expect([0, 0.0012, 0.01, 1.234, 12].map(formatCost)).toEqual(['$0.00', '$0.0012', '$0.01', '$1.23', '$12.00']);
    expect(formatCost(null)).toBe('no price');
    expect(usageSummary(u(1000, 200, null, 5000, 300))).toBe('6.5k tokens · no price');
  });
});

function renderWithClient(node: React.ReactNode) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>{node}</MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('usage table', () => {
  const usage: TaskUsageDto = {
    taskId: 7,
    byRole: [
      { agentType: 'implementation', runs: 2, usage: u(12_000, 3_400, 0.0456, 100_000, 2_000) },
      { agentType: 'review', runs: 1, usage: u(800, 90, null) },
    ],
    total: u(12_800, 3_490, null, 100_000, 2_000),
    chats: u(50, 5, 0.0003),
  };

  it('lists each role with its runs, the task total and the chats apart', () => {
    renderWithClient(<UsageTable usage={usage} />);
    const rows = within(screen.getByRole('table', { name: 'Token usage' })).getAllByRole('row');
    expect(rows.map((r) => r.textContent)).toEqual([
      'RoleInputOutputCost',
      'Implementation (2 runs)114k3.4k$0.05',
      'Review (1 run)80090no price',
      'Task total115k3.5kno price',
      'Manual chats505$0.0003',
    ]);
  });

  it('says so when nothing ran yet', () => {
    renderWithClient(<UsageTable usage={{ taskId: 7, byRole: [], total: u(0, 0, 0), chats: u(0, 0, 0) }} />);
    expect(screen.getByText('No tokens used yet')).toBeTruthy();
  });

  it('loads the task usage from the API', async () => {
    const fetchMock = vi.fn(
      async () => new Response(JSON.stringify({ usage }), { status: 200, headers: { 'content-type': 'application/json' } }),
    );
    vi.stubGlobal('fetch', fetchMock);
    renderWithClient(<UsagePanel taskId={7} />);
    expect(await screen.findByText('Implementation (2 runs)')).toBeTruthy();
    expect(String((fetchMock.mock.calls[0] as unknown[] | undefined)?.[0])).toContain('/api/tasks/7/usage');
  });
});

describe('run history', () => {
  it('shows each run’s tokens and cost', () => {
    const task = makeTask();
    renderWithClient(
      <RunHistory
        task={task}
        runs={[makeRun(1, 'implementation', 'completed'), makeRun(2, 'review', 'completed', { usage: u(300, 20, null) })]}
      />,
    );
    expect(screen.getByTestId('run-1-usage').textContent).toBe('7.3k tokens · $0.01');
    expect(screen.getByTestId('run-2-usage').textContent).toBe('320 tokens · no price');
  });
});
