// Codex in Settings → Providers: connect with an OpenAI API key, a pasted
// `auth.json` of a ChatGPT sign-in, or the device-code sign-in (the server runs
// `codex login --device-auth`; the card shows the URL and one-time code and
// polls until the sign-in completes), plus an optional base URL for gateways.
// Replace or disconnect. Secrets leave the form on submit and are never shown.
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { ConnectOpenAIBody, ProviderInfoDto } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Button, Field, InlineError } from '../../ui';
import { useCompleteOnboarding } from './onboarding';
import { useInvalidateConnections } from './providers';
import { ProviderCard } from './provider-card';

export type CodexMode = 'api-key' | 'auth-json' | 'device';

const deviceKey = [...keys.providers, 'openai', 'device-login'] as const;

/** The request body for the API-key and auth.json modes (the base URL is optional: blank → none). */
export function codexBody(
  mode: Exclude<CodexMode, 'device'>,
  fields: { apiKey: string; authJson: string; baseUrl: string },
): ConnectOpenAIBody {
  const baseUrl = fields.baseUrl.trim() === '' ? null : fields.baseUrl.trim();
  return mode === 'api-key' ? { apiKey: fields.apiKey.trim(), baseUrl } : { authJson: fields.authJson, baseUrl };
}

function useConnectCodex(onConnected: () => void) {
  const invalidate = useInvalidateConnections();
  return useMutation({
    mutationFn: (body: ConnectOpenAIBody) => api.put('/api/providers/openai', { body }),
    gcTime: 0,
    onSuccess: async () => {
      await invalidate();
      onConnected();
    },
  });
}

export function CodexProviderCard({ provider }: { provider: ProviderInfoDto }) {
  const completeOnboarding = useCompleteOnboarding();
  return <CodexCard provider={provider} onConnected={completeOnboarding} />;
}

export function CodexCard({ provider: p, onConnected }: { provider: ProviderInfoDto; onConnected: () => void }) {
  return (
    <ProviderCard
      provider={p}
      via={(p.method as string | null) === 'chatgpt' ? 'ChatGPT sign-in' : 'API key'}
      baseUrl={p.baseUrl ?? 'OpenAI (default)'}
      onConnected={onConnected}
      connectForm={(done) => <CodexConnect onConnected={done} />}
    />
  );
}

export function CodexConnect({ onConnected }: { onConnected: () => void }) {
  const [mode, setMode] = useState<CodexMode>('api-key');
  const [fields, setFields] = useState({ apiKey: '', authJson: '', baseUrl: '' });
  const connect = useConnectCodex(() => {
    setFields({ apiKey: '', authJson: '', baseUrl: '' });
    onConnected();
  });
  const set = (name: keyof typeof fields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [name]: e.target.value }));
  const ready = mode === 'api-key' ? fields.apiKey.trim() !== '' : fields.authJson.trim() !== '';
  return (
    <div className="flex flex-col gap-3">
      <fieldset className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <legend className="sr-only">How to connect Codex</legend>
        {(
          [
            ['api-key', 'API key'],
            ['device', 'Sign in with ChatGPT'],
            ['auth-json', 'Paste auth.json'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="flex items-center gap-1.5">
            <input type="radio" name="codex-mode" checked={mode === value} onChange={() => setMode(value)} />
            {label}
          </label>
        ))}
      </fieldset>
      {mode === 'device' ? (
        <DeviceLogin onConnected={onConnected} />
      ) : (
        <form
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            connect.mutate(codexBody(mode, fields));
          }}
        >
          {mode === 'api-key' ? (
            <Field
              label="OpenAI API key"
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={fields.apiKey}
              onChange={set('apiKey')}
              hint="Stored for your account only; it is never shown again."
              required
            />
          ) : (
            <label className="flex flex-col gap-1 text-sm">
              <span className="font-medium text-stone-700">auth.json</span>
              <textarea
                aria-label="auth.json"
                className="rounded-md border border-stone-300 px-2.5 py-1.5 font-mono text-sm"
                rows={4}
                spellCheck={false}
                autoComplete="off"
                value={fields.authJson}
                onChange={set('authJson')}
              />
              <span className="text-xs text-stone-500">
                The file `codex login` wrote to ~/.codex/auth.json on a machine where you signed in.
              </span>
            </label>
          )}
          <Field
            label="Base URL (optional)"
            type="url"
            placeholder="https://gateway.example.com/v1"
            value={fields.baseUrl}
            onChange={set('baseUrl')}
            hint="A gateway that speaks the OpenAI Responses API; leave blank for OpenAI."
          />
          <InlineError error={connect.error} />
          <div>
            <Button type="submit" variant="primary" busy={connect.isPending} disabled={!ready}>
              Connect Codex
            </Button>
          </div>
        </form>
      )}
    </div>
  );
}

/** The device-code sign-in: start, show URL + code, poll until connected or failed; cancel. */
export function DeviceLogin({ onConnected, pollMs = 2000 }: { onConnected: () => void; pollMs?: number }) {
  const invalidate = useInvalidateConnections();
  const start = useMutation({ mutationFn: () => api.post('/api/providers/openai/device-login/start') });
  const cancel = useMutation({ mutationFn: () => api.post('/api/providers/openai/device-login/cancel'), onSuccess: () => start.reset() });
  const waiting = start.data?.status === 'awaiting-approval' && !cancel.isPending;
  const status = useQuery({
    queryKey: deviceKey,
    queryFn: () => api.get('/api/providers/openai/device-login'),
    enabled: waiting,
    refetchInterval: pollMs,
    gcTime: 0,
  });
  const state = status.data?.status === 'connected' || status.data?.status === 'failed' ? status.data : start.data;
  useEffect(() => {
    if (status.data?.status === 'connected') void invalidate().then(onConnected);
  }, [status.data?.status, invalidate, onConnected]);
  return (
    <div className="flex flex-col gap-3 text-sm">
      {state?.status === 'awaiting-approval' ? (
        <div className="flex flex-col gap-2" data-testid="device-login">
          <p>
            Open{' '}
            <a className="text-blue-700 underline" href={state.url} target="_blank" rel="noreferrer">
              {state.url}
            </a>
            , sign in to ChatGPT and enter this code:
          </p>
          <p className="font-mono text-lg font-semibold tracking-widest" data-testid="device-code">
            {state.code}
          </p>
          <p className="text-stone-500">Waiting for you to approve the sign-in…</p>
          <div>
            <Button variant="ghost" busy={cancel.isPending} onClick={() => cancel.mutate()}>
              Cancel
            </Button>
          </div>
        </div>
      ) : state?.status === 'connected' ? (
        <p>Signed in.</p>
      ) : (
        <div>
          {state?.status === 'failed' && <p className="mb-2 text-red-700">{state.error}</p>}
          <Button variant="primary" busy={start.isPending} onClick={() => start.mutate()}>
            {state?.status === 'failed' ? 'Try again' : 'Get a sign-in code'}
          </Button>
        </div>
      )}
      <InlineError error={start.error ?? cancel.error} />
    </div>
  );
}
