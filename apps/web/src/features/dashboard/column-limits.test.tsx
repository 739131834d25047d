// A project's column limits: read from the server, each box checked before it is sent (empty for
// no limit, else a whole number from 1 to 999), saved with a confirmation or the server's refusal,
// and read-only for a member who is not an owner.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ProjectDto, WipLimitsDto } from '@bottega/protocol';
import { ColumnLimitsSection, limitProblem } from './column-limits';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const project = (canManage: boolean) => ({ id: 4, name: 'Shop', canManage }) as ProjectDto;
const none: WipLimitsDto = { pending: null, in_progress: null, in_review: null };

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function serve(limits: WipLimitsDto, put: (body: WipLimitsDto) => Response) {
  const puts: WipLimitsDto[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      expect(url).toBe('/api/projects/4/wip-limits');
      if (init.method === 'PUT') {
        const body = JSON.parse(String(init.body)) as WipLimitsDto;
        puts.push(body);
        return put(body);
      }
      return json(200, { wipLimits: limits });
    }),
  );
  return puts;
}

function renderSection(canManage: boolean) {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })}>
      <ColumnLimitsSection project={project(canManage)} />
    </QueryClientProvider>,
  );
}

const box = (name: string) => screen.getByRole('spinbutton', { name }) as HTMLInputElement;
const save = () => screen.getByRole('button', { name: 'Save column limits' }) as HTMLButtonElement;

describe('column limits', () => {
  it('checks a box: empty for no limit, else a whole number from 1 to 999', () => {
    expect(['', ' ', '3', ' 999 ', '1'].map(limitProblem)).toEqual([null, null, null, null, null]);
    expect(limitProblem('2.5')).toBe('Enter a whole number, or leave it empty.');
    expect(limitProblem('-1')).toBe('Enter a whole number, or leave it empty.');
    expect(limitProblem('0')).toBe('Between 1 and 999, or empty for no limit.');
    expect(limitProblem('1000')).toBe('Between 1 and 999, or empty for no limit.');
  });

  it('sets a limit on In Review, refusing one out of range, clears Pending’s, and says it saved', async () => {
    const puts = serve({ ...none, pending: 10 }, (body) => json(200, { wipLimits: body }));
    renderSection(true);
    await waitFor(() => expect(box('Pending').value).toBe('10'));
    expect(box('In Progress').value).toBe('');
    expect(screen.getAllByText('No limit.')).toHaveLength(2);
    expect(screen.getByText('Completed has no limit.')).toBeTruthy();
    expect(save().disabled).toBe(true);

    fireEvent.change(box('In Review'), { target: { value: '0' } });
    expect(screen.getByText('Between 1 and 999, or empty for no limit.')).toBeTruthy();
    expect(box('In Review').getAttribute('aria-invalid')).toBe('true');
    expect(save().disabled).toBe(true);

    fireEvent.change(box('In Review'), { target: { value: '3' } });
    expect(box('In Review').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByText('At most 3 tasks.')).toBeTruthy();
    fireEvent.change(box('Pending'), { target: { value: '' } });
    fireEvent.click(save());
    await waitFor(() => expect(puts).toEqual([{ pending: null, in_progress: null, in_review: 3 }]));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(save().disabled).toBe(true);
  });

  it("shows the server's refusal and keeps what was typed", async () => {
    serve(none, () => json(403, { error: { code: 'FORBIDDEN', message: 'Only the project owner or an administrator can do this' } }));
    renderSection(true);
    await screen.findByRole('form', { name: 'Column limits' });
    fireEvent.change(box('In Progress'), { target: { value: '2' } });
    fireEvent.click(save());
    expect((await screen.findByRole('alert')).textContent).toContain('Only the project owner or an administrator can do this');
    expect(box('In Progress').value).toBe('2');
    expect(screen.queryByText('Saved.')).toBeNull();
  });

  it('is read-only for a member who does not manage the project', async () => {
    serve({ pending: null, in_progress: 4, in_review: 1 }, () => json(500, {}));
    renderSection(false);
    const form = await screen.findByRole('form', { name: 'Column limits' });
    expect(within(form).getByText(/Only the project’s owners and administrators change these/)).toBeTruthy();
    await waitFor(() => expect(box('In Progress').value).toBe('4'));
    expect(within(form).getByText('At most 1 task.')).toBeTruthy();
    for (const b of within(form).getAllByRole('spinbutton')) expect((b as HTMLInputElement).disabled).toBe(true);
    expect(within(form).queryByRole('button', { name: 'Save column limits' })).toBeNull();
  });
});
