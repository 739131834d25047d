// The task document section: rendered markdown, Edit → Save writing the
// document when nobody changed it meanwhile, and the conflict choice when an
// agent rewrote it during the edit (nothing is written until the user picks).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { keys } from '../../lib/keys';
import { TaskDocumentSection } from './task-document';
import { makeTask } from './task-fixtures';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const task = makeTask();

function serve(onDisk: { content: string }) {
  const writes: unknown[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      if (url !== `/api/tasks/${task.id}/document`) return new Response('{}', { status: 404 });
      if (init.method === 'PUT') {
        const body = JSON.parse(String(init.body)) as { content: string };
        writes.push(body);
        onDisk.content = body.content;
        return Response.json({ content: body.content, path: '/archive/task-7.md', task });
      }
      return Response.json({ content: onDisk.content, path: '/archive/task-7.md' });
    }),
  );
  return writes;
}

function renderDoc(content: string) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } } });
  qc.setQueryData(keys.taskDocument(task.id), { content, path: '/archive/task-7.md' });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <TaskDocumentSection task={task} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return qc;
}

describe('TaskDocumentSection', () => {
  it('renders the document as markdown', async () => {
    serve({ content: '# Title\n\nSome **bold** text' });
    renderDoc('# Title\n\nSome **bold** text');
    expect((await screen.findByRole('heading', { name: 'Title' })).tagName).toBe('H1');
    expect(screen.getByText('bold').tagName).toBe('STRONG');
  });

  it('saves when the document is still the one the edit started from', async () => {
    const disk = { content: '# Plan' };
    const writes = serve(disk);
    const qc = renderDoc('# Plan');
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(writes).toEqual([{ content: '# Plan' }]));
    await screen.findByRole('button', { name: 'Edit' });
    expect(qc.getQueryData(keys.task(task.id))).toEqual(task);
  });

  it('asks before overwriting a document that changed during the edit', async () => {
    const disk = { content: '# Plan\n\nWritten by the agent meanwhile' };
    const writes = serve(disk);
    renderDoc('# Plan');
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const conflict = await screen.findByTestId('document-conflict');
    expect(conflict.textContent).toContain('changed while you were editing');
    expect(writes).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Keep the new version' }));
    await screen.findByText('Written by the agent meanwhile');
    expect(writes).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(writes).toEqual([{ content: '# Plan\n\nWritten by the agent meanwhile' }]));
  });

  it('overwrites on request', async () => {
    const disk = { content: 'theirs' };
    const writes = serve(disk);
    renderDoc('mine');
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Overwrite with mine' }));
    await waitFor(() => expect(writes).toEqual([{ content: 'mine' }]));
    await screen.findByRole('button', { name: 'Edit' });
  });
});
