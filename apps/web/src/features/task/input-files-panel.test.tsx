// The input files panel: sizes read as people read them, the empty state says
// what input files are for, each file links to its download, and a refused
// upload or delete is explained in the panel without losing the list.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { InputFileDto } from '@bottega/protocol';
import { formatBytes, InputFilesPanel } from './input-files-panel';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function renderPanel() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <InputFilesPanel taskId={7} />
    </QueryClientProvider>,
  );
}

const spec: InputFileDto = { name: 'spec notes (v2).md', size: 4300, modifiedAt: '2026-12-03T10:00:00.000Z' };

describe('input files panel', () => {
  it('writes sizes in B, KB and MB', () => {
    expect([0, 812, 1024, 4300, 20_000, 3_250_000].map(formatBytes)).toEqual(['0 B', '812 B', '1.0 KB', '4.2 KB', '20 KB', '3.1 MB']);
  });

  it('explains what input files are for when there are none', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(200, { files: [] })),
    );
    renderPanel();
    expect(await screen.findByText('No input files yet')).toBeTruthy();
    expect(screen.getByText(/Every agent working on this task is told where they are and can read them/)).toBeTruthy();
  });

  it('links each file to its download and shows a refused upload and delete inline', async () => {
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === 'POST')
        return json(400, { error: { code: 'VALIDATION_FAILED', message: 'invalid file name: the name is empty' } });
      if (init?.method === 'DELETE') return json(404, { error: { code: 'NOT_FOUND', message: 'file not found' } });
      return json(200, { files: [spec] });
    });
    vi.stubGlobal('fetch', fetchMock);
    renderPanel();
    const list = await screen.findByRole('list', { name: 'Input files' });
    const link = within(list).getByRole('link', { name: 'spec notes (v2).md' });
    expect(link.getAttribute('href')).toBe('/api/tasks/7/files/spec%20notes%20(v2).md');
    expect(link.hasAttribute('download')).toBe(true);
    expect(within(list).getByText(/4\.2 KB/)).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Choose files to upload'), { target: { files: [new File(['x'], 'x.txt')] } });
    expect((await screen.findByRole('alert')).textContent).toContain('invalid file name: the name is empty');

    fireEvent.click(within(list).getByRole('button', { name: 'Delete spec notes (v2).md' }));
    fireEvent.click(within(list).getByRole('button', { name: 'Confirm deleting spec notes (v2).md' }));
    expect(await screen.findByText('file not found')).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'Input files' })).getByRole('link', { name: 'spec notes (v2).md' })).toBeTruthy();
    expect(
      fetchMock.mock.calls.some(([url, init]) => init?.method === 'DELETE' && url === '/api/tasks/7/files/spec%20notes%20(v2).md'),
    ).toBe(true);
  });
});
