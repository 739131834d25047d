// The agent-models form rendered against a stubbed API: providers limited to
// the connected ones, unsaveable roles blocked with a reason, all six roles
// sent together, a 400 shown as the server says it, unreadable stored
// settings re-entered from blanks.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { agentTypes } from '@bottega/protocol';
import { ModelsSection } from './models-section';
import { renderWithClient, stubApi } from './test-support';
import { optionsOf, pickOption, shownValue } from '../../ui/test-support';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const providers = {
  providers: [
    { name: 'anthropic', available: true, connected: true, method: 'api-key', baseUrl: null, simulated: false },
    { name: 'openai', available: true, connected: false, method: null, baseUrl: null, simulated: false },
    { name: 'opencode', available: false, connected: false, method: null, baseUrl: null, simulated: false },
  ],
};
const seeded = Object.fromEntries(agentTypes.map((t) => [t, { provider: 'anthropic', model: 'claude-sonnet-4-5', effort: 'medium' }]));

function role(name: string) {
  const group = screen.getByRole('group', { name });
  return Object.assign(within(group), { container: group });
}

describe('ModelsSection', () => {
  it('offers only connected providers and saves all six roles', async () => {
    const calls = stubApi({
      'GET /api/providers': { body: providers },
      'GET /api/agent-settings': { body: { settings: seeded } },
      'PUT /api/agent-settings': (c) => ({ body: c.body }),
    });
    renderWithClient(<ModelsSection />);
    const review = await waitFor(() => role('Review'));
    expect(await optionsOf('Review provider', review.container)).toEqual(['Claude Code (Anthropic)']);
    expect(shownValue('Review effort', review.container)).toBe('medium');
    expect(await optionsOf('Review effort', review.container)).toContain('xhigh');

    fireEvent.change(review.getByLabelText('Review model'), { target: { value: 'claude-haiku-4-5' } });
    await pickOption('Review effort', 'low', review.container);
    await pickOption('Pull request effort', 'Provider default', role('Pull request').container);
    fireEvent.click(screen.getByRole('button', { name: 'Save models' }));
    await screen.findByText('Saved.');
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.body).toEqual({
      settings: {
        ...seeded,
        review: { provider: 'anthropic', model: 'claude-haiku-4-5', effort: 'low' },
        pr: { provider: 'anthropic', model: 'claude-sonnet-4-5', effort: null },
      },
    });
  });

  it('blocks saving while a role has no model, saying why', async () => {
    stubApi({ 'GET /api/providers': { body: providers }, 'GET /api/agent-settings': { body: { settings: seeded } } });
    renderWithClient(<ModelsSection />);
    const pr = await waitFor(() => role('Pull request'));
    fireEvent.change(pr.getByLabelText('Pull request model'), { target: { value: '  ' } });
    expect(pr.getByText('choose a model')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Save models' }).hasAttribute('disabled')).toBe(true);
  });

  it('shows the server’s 400 next to the form', async () => {
    stubApi({
      'GET /api/providers': { body: providers },
      'GET /api/agent-settings': { body: { settings: seeded } },
      'PUT /api/agent-settings': {
        status: 400,
        body: { error: { code: 'VALIDATION_FAILED', message: 'settings.review.model: too long' } },
      },
    });
    renderWithClient(<ModelsSection />);
    await waitFor(() => role('Review'));
    fireEvent.click(screen.getByRole('button', { name: 'Save models' }));
    expect((await screen.findByRole('alert')).textContent).toBe('settings.review.model: too long');
    expect(screen.queryByText('Saved.')).toBeNull();
  });

  it('lets the user re-enter settings the server cannot read', async () => {
    stubApi({
      'GET /api/providers': { body: providers },
      'GET /api/agent-settings': {
        status: 409,
        body: { error: { code: 'CONFLICT', message: 'no model is set for yolo; set them in Settings → Agent models' } },
      },
    });
    renderWithClient(<ModelsSection />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/no model is set for yolo/);
    expect((role('YOLO').getByLabelText('YOLO model') as HTMLInputElement).value).toBe('');
  });

  it('asks to connect a provider first when none is connected', async () => {
    stubApi({
      'GET /api/providers': { body: { providers: providers.providers.map((p) => ({ ...p, connected: false })) } },
      'GET /api/agent-settings': { body: { settings: null } },
    });
    renderWithClient(<ModelsSection />);
    expect(await screen.findByText('No provider connected')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Connect a provider' }).getAttribute('href')).toBe('/settings/providers');
  });
});
