// The in-app Claude sign-in: the terms warning before anything starts, the
// login link the server returns, the pasted code sent to complete, cancel,
// and polling only while the flow is pending.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { pollInterval, SetupTokenFlow, SUBSCRIPTION_WARNING } from './setup-token-flow';
import { renderWithClient, stubApi } from './test-support';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('pollInterval', () => {
  it('polls while starting, waiting for the code or verifying, and not otherwise', () => {
    expect(pollInterval({ status: 'starting' })).toBe(2000);
    expect(pollInterval({ status: 'awaiting-code', url: 'https://x' })).toBe(2000);
    expect(pollInterval({ status: 'verifying' })).toBe(2000);
    expect(pollInterval({ status: 'idle' })).toBe(false);
    expect(pollInterval({ status: 'connected' })).toBe(false);
    expect(pollInterval({ status: 'failed', error: 'x' })).toBe(false);
    expect(pollInterval(undefined)).toBe(false);
  });
});

describe('SetupTokenFlow', () => {
  const url = 'https://claude.ai/oauth/authorize?code=true&state=abc';

  it('warns first, shows the login link, and completes with the pasted code', async () => {
    const onConnected = vi.fn();
    const calls = stubApi({
      'GET /api/providers/anthropic/setup-token': { body: { status: 'idle' } },
      'POST /api/providers/anthropic/setup-token/start': {
        body: { status: 'awaiting-code', url, notice: 'The server’s own terms notice.' },
      },
      'POST /api/providers/anthropic/setup-token/complete': { body: { status: 'connected' } },
      'GET /api/providers': { body: { providers: [] } },
      'GET /api/agent-settings': { body: { settings: null } },
    });
    renderWithClient(<SetupTokenFlow onConnected={onConnected} />);
    expect(screen.getByRole('note').textContent).toBe(SUBSCRIPTION_WARNING);
    fireEvent.click(await screen.findByRole('button', { name: /sign in with Claude/ }));

    const link = await screen.findByRole('link', { name: 'the Claude sign-in page' });
    expect(link.getAttribute('href')).toBe(url);
    expect(screen.getByRole('note').textContent).toBe('The server’s own terms notice.');
    fireEvent.change(screen.getByLabelText('Code from Claude'), { target: { value: 'code-123#state' } });
    fireEvent.click(screen.getByRole('button', { name: 'Complete sign-in' }));
    await waitFor(() => expect(onConnected).toHaveBeenCalledTimes(1));
    expect(calls.find((c) => c.path.endsWith('/complete'))?.body).toEqual({ code: 'code-123#state' });
  });

  it('cancels a waiting sign-in', async () => {
    const calls = stubApi({
      'GET /api/providers/anthropic/setup-token': { body: { status: 'awaiting-code', url } },
      'POST /api/providers/anthropic/setup-token/cancel': { body: { status: 'idle' } },
    });
    renderWithClient(<SetupTokenFlow />);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    await screen.findByRole('button', { name: /sign in with Claude/ });
    expect(calls.some((c) => c.method === 'POST' && c.path.endsWith('/cancel'))).toBe(true);
    expect(screen.queryByRole('link', { name: 'the Claude sign-in page' })).toBeNull();
  });

  it('shows why a sign-in failed and offers to try again', async () => {
    stubApi({ 'GET /api/providers/anthropic/setup-token': { body: { status: 'failed', error: 'the code was rejected' } } });
    renderWithClient(<SetupTokenFlow />);
    expect((await screen.findByText(/The sign-in failed/)).textContent).toContain('the code was rejected');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
