// OpenCode in the settings screens against a stubbed API: connecting with a
// custom provider or a Zen key, disconnecting, and the model picker offering
// the live catalog with no effort picker for OpenCode.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { agentTypes } from '@bottega/protocol';
import { ModelsSection } from './models-section';
import { OpencodeCard, opencodeBody, parseModelList } from './opencode-connect';
import { useProviders } from './providers';
import { renderWithClient, stubApi } from './test-support';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const provider = (connected: boolean, method: string | null = null, baseUrl: string | null = null) => ({
  providers: [
    { name: 'anthropic', available: true, connected: false, method: null, baseUrl: null, simulated: false },
    { name: 'opencode', available: true, connected, method, baseUrl, simulated: false },
  ],
});

/** The OpenCode card fed from the providers query, as the settings screen feeds it. */
function Card({ onConnected = () => undefined }: { onConnected?: () => void }) {
  const providers = useProviders();
  const p = providers.data?.providers.find((x) => x.name === 'opencode');
  return p ? <OpencodeCard provider={p} onConnected={onConnected} /> : null;
}

describe('the OpenCode connect form', () => {
  it('reads the models list one per line or comma-separated', () => {
    expect(parseModelList(' a-1\nb-2, c-3\n\n')).toEqual(['a-1', 'b-2', 'c-3']);
    expect(opencodeBody('zen', { zenKey: ' zk-123456 ', baseUrl: '', apiKey: '', models: '' })).toEqual({ zenKey: 'zk-123456' });
  });

  it('connects a custom OpenAI-compatible provider', async () => {
    let connected = false;
    const calls = stubApi({
      'GET /api/providers': () => ({ body: connected ? provider(true, 'custom', 'http://llm.local/v1') : provider(false) }),
      'PUT /api/providers/opencode': () => {
        connected = true;
        return { body: { connected: true, method: 'custom', baseUrl: 'http://llm.local/v1', models: ['m-1'] } };
      },
    });
    renderWithClient(<Card />);
    const card = await waitFor(() => within(screen.getByRole('region', { name: 'OpenCode' })));
    fireEvent.click(card.getByLabelText('Custom OpenAI-compatible provider'));
    const submit = card.getByRole('button', { name: 'Connect OpenCode' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    fireEvent.change(card.getByLabelText('Base URL'), { target: { value: 'http://llm.local/v1' } });
    fireEvent.change(card.getByLabelText('API key'), { target: { value: 'sk-custom-123456' } });
    fireEvent.change(card.getByLabelText('Models'), { target: { value: 'm-1\nm-2' } });
    fireEvent.click(submit);
    await waitFor(() => expect(card.getByText('Connected').textContent).toBe('Connected'));
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      custom: { baseUrl: 'http://llm.local/v1', apiKey: 'sk-custom-123456', models: ['m-1', 'm-2'] },
    });
    expect(card.getByTestId('provider-base-url').textContent).toBe('http://llm.local/v1');
    expect(card.queryByDisplayValue('sk-custom-123456')).toBeNull();
  });

  it('disconnects', async () => {
    const calls = stubApi({
      'GET /api/providers': { body: provider(true, 'zen') },
      'DELETE /api/providers/opencode': { body: { connected: false, method: null, baseUrl: null, models: [] } },
    });
    renderWithClient(<Card />);
    const card = await waitFor(() => within(screen.getByRole('region', { name: 'OpenCode' })));
    expect(card.getByTestId('provider-method').textContent).toBe('OpenCode Zen key');
    fireEvent.click(card.getByRole('button', { name: 'Disconnect' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE' && c.path === '/api/providers/opencode')).toBe(true));
  });
});

describe('the model picker with OpenCode', () => {
  it('offers the live catalog and no effort picker', async () => {
    const role = { provider: 'opencode', model: 'custom/m-1', effort: null };
    stubApi({
      'GET /api/providers': { body: provider(true, 'custom', 'http://llm.local/v1') },
      'GET /api/agent-settings': { body: { settings: Object.fromEntries(agentTypes.map((t) => [t, role])) } },
      'GET /api/providers/opencode/models': {
        body: {
          models: [
            { id: 'custom/m-1', name: 'm-1', provider: 'Custom' },
            { id: 'custom/m-2', name: 'm-2', provider: 'Custom' },
          ],
        },
      },
    });
    const { container } = renderWithClient(<ModelsSection />);
    const review = await waitFor(() => within(screen.getByRole('group', { name: 'Review' })));
    expect(review.queryByLabelText('Review effort')).toBeNull();
    await waitFor(() =>
      expect([...container.querySelectorAll('datalist#models-review option')].map((o) => (o as HTMLOptionElement).value)).toEqual([
        'custom/m-1',
        'custom/m-2',
      ]),
    );
  });
});
