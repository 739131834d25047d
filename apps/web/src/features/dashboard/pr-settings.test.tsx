// A project's pull request settings: the update strategy and the CI-round cap read from the
// server, a cap checked before it is sent (whole number, 1–20) or left to the instance default,
// saved with a confirmation or the server's refusal, and read-only for a member who is not an owner.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { PrSettingsDto, ProjectDto } from '@bottega/protocol';
import { PrSettingsSection, roundsProblem } from './pr-settings';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const project = (canManage: boolean) => ({ id: 4, name: 'Shop', canManage }) as ProjectDto;
const inherited: PrSettingsDto = { updateStrategy: 'rebase', maxCiRounds: null, effectiveMaxCiRounds: 3, instanceMaxCiRounds: 3 };

function serve(settings: PrSettingsDto, put: (body: { updateStrategy: string; maxCiRounds: number | null }) => Response) {
  const puts: unknown[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      expect(url).toBe('/api/projects/4/pr-settings');
      if (init.method === 'PUT') {
        const body = JSON.parse(String(init.body)) as { updateStrategy: string; maxCiRounds: number | null };
        puts.push(body);
        return put(body);
      }
      return json(200, { prSettings: settings });
    }),
  );
  return puts;
}
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function renderSection(canManage: boolean) {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })}>
      <PrSettingsSection project={project(canManage)} />
    </QueryClientProvider>,
  );
}

const save = () => screen.getByRole('button', { name: 'Save pull request settings' }) as HTMLButtonElement;
const rounds = () => screen.getByRole('spinbutton', { name: 'Rounds for this project' }) as HTMLInputElement;

describe('pull request settings', () => {
  it('checks the rounds box: a whole number from 1 to 20', () => {
    expect(['3', ' 20 ', '1'].map(roundsProblem)).toEqual([null, null, null]);
    expect(roundsProblem('')).toBe('Enter a number of rounds.');
    expect(roundsProblem('2.5')).toBe('Enter a whole number.');
    expect(roundsProblem('-1')).toBe('Enter a whole number.');
    expect(roundsProblem('0')).toBe('Between 1 and 20.');
    expect(roundsProblem('21')).toBe('Between 1 and 20.');
  });

  it('switches to merging and a cap of its own, refusing a cap out of range, and says it saved', async () => {
    const puts = serve(inherited, (body) =>
      json(200, { prSettings: { ...inherited, ...body, effectiveMaxCiRounds: body.maxCiRounds ?? 3 } }),
    );
    renderSection(true);
    const rebase = (await screen.findByRole('radio', { name: /Rebase onto the default branch/ })) as HTMLInputElement;
    expect(rebase.checked).toBe(true);
    expect(screen.getByText(/straight history, the commits get new ids/)).toBeTruthy();
    const useDefault = screen.getByRole('checkbox', { name: 'Use the instance default (3)' });
    expect(useDefault.getAttribute('aria-checked')).toBe('true');
    expect(rounds().disabled).toBe(true);
    expect(save().disabled).toBe(true);

    fireEvent.click(screen.getByRole('radio', { name: /Merge the default branch in/ }));
    fireEvent.click(useDefault);
    expect(rounds().disabled).toBe(false);
    fireEvent.change(rounds(), { target: { value: '25' } });
    expect(screen.getByText('Between 1 and 20.')).toBeTruthy();
    expect(rounds().getAttribute('aria-invalid')).toBe('true');
    expect(save().disabled).toBe(true);

    fireEvent.change(rounds(), { target: { value: '5' } });
    expect(rounds().getAttribute('aria-invalid')).toBeNull();
    fireEvent.click(save());
    await waitFor(() => expect(puts).toEqual([{ updateStrategy: 'merge', maxCiRounds: 5 }]));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(screen.getByText(/In force now: 5\./)).toBeTruthy();
    expect(save().disabled).toBe(true);
  });

  it('goes back to the instance default with a null cap', async () => {
    const own = { ...inherited, maxCiRounds: 7, effectiveMaxCiRounds: 7 };
    const puts = serve(own, () => json(200, { prSettings: inherited }));
    renderSection(true);
    await waitFor(() => expect(rounds().value).toBe('7'));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Use the instance default (3)' }));
    fireEvent.click(save());
    await waitFor(() => expect(puts).toEqual([{ updateStrategy: 'rebase', maxCiRounds: null }]));
  });

  it("shows the server's refusal and keeps what was typed", async () => {
    serve(inherited, () => json(403, { error: { code: 'FORBIDDEN', message: 'Only the project owner or an administrator can do this' } }));
    renderSection(true);
    fireEvent.click(await screen.findByRole('radio', { name: /Merge the default branch in/ }));
    fireEvent.click(save());
    expect((await screen.findByRole('alert')).textContent).toContain('Only the project owner or an administrator can do this');
    expect((screen.getByRole('radio', { name: /Merge the default branch in/ }) as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByText('Saved.')).toBeNull();
  });

  it('is read-only for a member who does not manage the project', async () => {
    serve({ ...inherited, updateStrategy: 'merge', maxCiRounds: 4, effectiveMaxCiRounds: 4 }, () => json(500, {}));
    renderSection(false);
    const form = await screen.findByRole('form', { name: 'Pull request settings' });
    expect(within(form).getByText(/Only the project’s owners and administrators change these/)).toBeTruthy();
    expect((within(form).getByRole('radio', { name: /Merge the default branch in/ }) as HTMLInputElement).checked).toBe(true);
    for (const radio of within(form).getAllByRole('radio')) expect(radio.matches(':disabled')).toBe(true);
    expect(rounds().value).toBe('4');
    expect(rounds().disabled).toBe(true);
    expect((within(form).getByRole('checkbox') as HTMLButtonElement).disabled).toBe(true);
    expect(within(form).queryByRole('button', { name: 'Save pull request settings' })).toBeNull();
  });
});
