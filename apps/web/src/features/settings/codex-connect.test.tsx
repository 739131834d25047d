// The Codex card against a stubbed API: connecting with an API key and a
// gateway URL, pasting an auth.json, the device-code sign-in (code shown,
// polled until connected), and disconnecting.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { CodexCard, codexBody } from './codex-connect';
import { useProviders } from './providers';
import { renderWithClient, stubApi } from './test-support';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const listing = (connected: boolean, method: string | null = null, baseUrl: string | null = null) => ({
  providers: [{ name: 'openai', available: true, connected, method, baseUrl, simulated: false }],
});

function Card({ onConnected = () => undefined }: { onConnected?: () => void }) {
  const providers = useProviders();
  const p = providers.data?.providers.find((x) => x.name === 'openai');
  return p ? <CodexCard provider={p} onConnected={onConnected} /> : null;
}

const card = () => waitFor(() => within(screen.getByRole('region', { name: 'Codex (OpenAI)' })));

describe('the Codex connect form', () => {
  it('builds bodies with a blank base URL as none', () => {
    expect(codexBody('api-key', { apiKey: ' sk-1234567890 ', authJson: '', baseUrl: ' ' })).toEqual({
      apiKey: 'sk-1234567890',
      baseUrl: null,
    });
    expect(codexBody('auth-json', { apiKey: '', authJson: '{"tokens":{}}', baseUrl: 'https://gw/v1' })).toEqual({
      authJson: '{"tokens":{}}',
      baseUrl: 'https://gw/v1',
    });
  });

  it('connects with an API key and a base URL, then forgets the key', async () => {
    let connected = false;
    const calls = stubApi({
      'GET /api/providers': () => ({ body: connected ? listing(true, 'api-key', 'https://gw.example/v1') : listing(false) }),
      'PUT /api/providers/openai': () => {
        connected = true;
        return { body: { connected: true, method: 'api-key', baseUrl: 'https://gw.example/v1' } };
      },
    });
    const onConnected = vi.fn();
    renderWithClient(<Card onConnected={onConnected} />);
    const c = await card();
    const submit = c.getByRole('button', { name: 'Connect Codex' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    fireEvent.change(c.getByLabelText('OpenAI API key'), { target: { value: 'sk-codex-123456' } });
    fireEvent.change(c.getByLabelText('Base URL (optional)'), { target: { value: 'https://gw.example/v1' } });
    fireEvent.click(submit);
    await waitFor(() => expect(c.getByText('Connected').textContent).toBe('Connected'));
    expect(calls.find((x) => x.method === 'PUT')?.body).toEqual({ apiKey: 'sk-codex-123456', baseUrl: 'https://gw.example/v1' });
    expect(c.getByTestId('provider-base-url').textContent).toBe('https://gw.example/v1');
    expect(c.queryByDisplayValue('sk-codex-123456')).toBeNull();
    expect(onConnected).toHaveBeenCalled();
  });

  it('sends a pasted auth.json', async () => {
    const calls = stubApi({
      'GET /api/providers': { body: listing(false) },
      'PUT /api/providers/openai': { body: { connected: true, method: 'chatgpt', baseUrl: null } },
    });
    renderWithClient(<Card />);
    const c = await card();
    fireEvent.click(c.getByLabelText('Paste auth.json'));
    fireEvent.change(c.getByLabelText('auth.json'), { target: { value: '{"tokens":{"id_token":"a"}}' } });
    fireEvent.click(c.getByRole('button', { name: 'Connect Codex' }));
    await waitFor(() =>
      expect(calls.find((x) => x.method === 'PUT')?.body).toEqual({ authJson: '{"tokens":{"id_token":"a"}}', baseUrl: null }),
    );
  });

  it('shows the device code and polls until the sign-in completes', async () => {
    let polls = 0;
    stubApi({
      'GET /api/providers': () => ({ body: polls >= 2 ? listing(true, 'chatgpt') : listing(false) }),
      'POST /api/providers/openai/device-login/start': {
        body: { status: 'awaiting-approval', url: 'https://auth.openai.com/codex/device', code: 'Q7RT-M2XK9' },
      },
      'GET /api/providers/openai/device-login': () => ({
        body:
          ++polls >= 2
            ? { status: 'connected' }
            : { status: 'awaiting-approval', url: 'https://auth.openai.com/codex/device', code: 'Q7RT-M2XK9' },
      }),
    });
    const onConnected = vi.fn();
    renderWithClient(<Card onConnected={onConnected} />);
    const c = await card();
    fireEvent.click(c.getByLabelText('Sign in with ChatGPT'));
    fireEvent.click(c.getByRole('button', { name: 'Get a sign-in code' }));
    await waitFor(() => expect(c.getByTestId('device-code').textContent).toBe('Q7RT-M2XK9'));
    expect(c.getByRole('link').getAttribute('href')).toBe('https://auth.openai.com/codex/device');
    await waitFor(() => expect(onConnected).toHaveBeenCalled(), { timeout: 10_000 });
    expect(polls).toBeGreaterThanOrEqual(2);
  });

  it('disconnects', async () => {
    const calls = stubApi({
      'GET /api/providers': { body: listing(true, 'chatgpt') },
      'DELETE /api/providers/openai': { body: { connected: false, method: null, baseUrl: null } },
    });
    renderWithClient(<Card />);
    const c = await card();
    expect(c.getByTestId('provider-method').textContent).toBe('ChatGPT sign-in');
    fireEvent.click(c.getByRole('button', { name: 'Disconnect' }));
    await waitFor(() => expect(calls.some((x) => x.method === 'DELETE' && x.path === '/api/providers/openai')).toBe(true));
  });
});
