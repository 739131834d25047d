// Admin → Instance → Agent sandbox: the state and its reason (confined or
// not), and a project's extra hosts saved as one list, one host per line.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { SandboxStatusDto } from '@bottega/protocol';
import { parseHostLines, SandboxPanel } from './sandbox-panel';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function serve(sandbox: SandboxStatusDto, puts: unknown[]): void {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const method = init.method ?? 'GET';
      const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      if (url.endsWith('/api/admin/sandbox')) return json({ sandbox });
      if (url.endsWith('/api/projects')) return json({ projects: [{ id: 4, name: 'Shop' }] });
      if (method === 'PUT') {
        const body = JSON.parse(String(init.body)) as { hosts: string[] };
        puts.push(body);
        return json({ allowedHosts: { projectId: 4, hosts: body.hosts } });
      }
      return json({ allowedHosts: { projectId: 4, hosts: ['registry.npmjs.org'] } });
    }),
  );
  render(
    <QueryClientProvider client={new QueryClient()}>
      <SandboxPanel />
    </QueryClientProvider>,
  );
}

describe('sandbox panel', () => {
  it("says agents run confined, and saves a project's hosts one per line", async () => {
    const puts: unknown[] = [];
    serve({ mode: 'auto', confined: true, reason: 'bubblewrap works here: agents run confined', alwaysAllowed: ['github.com'] }, puts);
    expect((await screen.findByTestId('sandbox-panel')).textContent).toContain('Agents run confined');
    const box = (await screen.findByLabelText('Extra hosts, one per line')) as HTMLTextAreaElement;
    await waitFor(() => expect(box.value).toBe('registry.npmjs.org'));
    fireEvent.change(box, { target: { value: 'registry.npmjs.org\n\n  *.pypi.org \nregistry.npmjs.org' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save hosts' }));
    await waitFor(() => expect(puts).toEqual([{ hosts: ['registry.npmjs.org', '*.pypi.org'] }]));
    expect(await screen.findByText('Saved.')).toBeTruthy();
  });

  it('warns loudly when agents run unconfined, with the reason', async () => {
    serve(
      {
        mode: 'auto',
        confined: false,
        reason: 'bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap socat)',
        alwaysAllowed: ['github.com'],
      },
      [],
    );
    expect((await screen.findByTestId('sandbox-panel')).textContent).toContain('Agents run unconfined');
    expect(screen.getByTestId('sandbox-reason').textContent).toContain('apt-get install bubblewrap socat');
    expect(screen.getByTestId('sandbox-reason').textContent).toContain('can read every user’s credentials');
  });
});

describe('parseHostLines', () => {
  it('trims, drops blank lines and duplicates', () => {
    expect(parseHostLines(' a.example \n\nb.example\na.example\n')).toEqual(['a.example', 'b.example']);
  });
});
