// OpenCode in Settings → Providers: connect with an OpenCode Zen key or a
// custom OpenAI-compatible provider (base URL, key, the models it serves),
// replace or disconnect. The secret leaves the form on submit and is never
// shown again. Also the live model list of the user's OpenCode server, for
// the model picker (OpenCode's models are never a built-in list).
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { ConnectOpencodeBody, ProviderInfoDto } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Button, Field, InlineError } from '../../ui';
import { useCompleteOnboarding } from './onboarding';
import { useInvalidateConnections } from './providers';
import { ProviderCard } from './provider-card';

type Mode = 'zen' | 'custom';

const modelsKey = [...keys.providers, 'opencode', 'models'] as const;

/** The models of the user's live OpenCode server (only fetched when `enabled`). */
export function useOpencodeModels(enabled: boolean) {
  return useQuery({ queryKey: modelsKey, queryFn: () => api.get('/api/providers/opencode/models'), enabled, staleTime: 60_000 });
}

/** The models list as typed: one per line or comma-separated, blanks dropped. */
export function parseModelList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((m) => m.trim())
    .filter((m) => m.length > 0);
}

export function opencodeBody(mode: Mode, fields: { zenKey: string; baseUrl: string; apiKey: string; models: string }): ConnectOpencodeBody {
  if (mode === 'zen') return { zenKey: fields.zenKey.trim() };
  return { custom: { baseUrl: fields.baseUrl.trim(), apiKey: fields.apiKey.trim(), models: parseModelList(fields.models) } };
}

function useConnectOpencode(onConnected: () => void) {
  const invalidate = useInvalidateConnections();
  return useMutation({
    mutationFn: (body: ConnectOpencodeBody) => api.put('/api/providers/opencode', { body }),
    gcTime: 0,
    onSuccess: async () => {
      await invalidate();
      onConnected();
    },
  });
}

/** The card in Settings → Providers (a first connection completes the onboarding). */
export function OpencodeProviderCard({ provider }: { provider: ProviderInfoDto }) {
  const completeOnboarding = useCompleteOnboarding();
  return <OpencodeCard provider={provider} onConnected={completeOnboarding} />;
}

export function OpencodeCard({ provider: p, onConnected }: { provider: ProviderInfoDto; onConnected: () => void }) {
  const custom = (p.method as string | null) === 'custom';
  return (
    <ProviderCard
      provider={p}
      via={custom ? 'Custom OpenAI-compatible provider' : 'OpenCode Zen key'}
      baseUrl={custom ? p.baseUrl : null}
      onConnected={onConnected}
      connectForm={(done) => <OpencodeConnect onConnected={done} />}
    />
  );
}

export function OpencodeConnect({ onConnected }: { onConnected: () => void }) {
  const [mode, setMode] = useState<Mode>('zen');
  const [fields, setFields] = useState({ zenKey: '', baseUrl: '', apiKey: '', models: '' });
  const connect = useConnectOpencode(() => {
    setFields({ zenKey: '', baseUrl: '', apiKey: '', models: '' });
    onConnected();
  });
  const set = (name: keyof typeof fields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [name]: e.target.value }));
  const ready =
    mode === 'zen'
      ? fields.zenKey.trim() !== ''
      : fields.baseUrl.trim() !== '' && fields.apiKey.trim() !== '' && parseModelList(fields.models).length > 0;
  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        connect.mutate(opencodeBody(mode, fields));
      }}
    >
      <fieldset className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <legend className="sr-only">How to connect OpenCode</legend>
        <label className="flex items-center gap-1.5">
          <input type="radio" name="opencode-mode" checked={mode === 'zen'} onChange={() => setMode('zen')} />
          OpenCode Zen key
        </label>
        <label className="flex items-center gap-1.5">
          <input type="radio" name="opencode-mode" checked={mode === 'custom'} onChange={() => setMode('custom')} />
          Custom OpenAI-compatible provider
        </label>
      </fieldset>
      {mode === 'zen' ? (
        <Field
          label="Zen key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={fields.zenKey}
          onChange={set('zenKey')}
          hint="Stored for your account only; it is never shown again."
          required
        />
      ) : (
        <>
          <Field
            label="Base URL"
            type="url"
            placeholder="https://llm.example.com/v1"
            value={fields.baseUrl}
            onChange={set('baseUrl')}
            hint="The endpoint that serves /chat/completions."
            required
          />
          <Field
            label="API key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={fields.apiKey}
            onChange={set('apiKey')}
            hint="Stored for your account only; it is never shown again."
            required
          />
          <label className="flex flex-col gap-1 text-sm">
            <span className="font-medium text-stone-700">Models</span>
            <textarea
              aria-label="Models"
              className="rounded-md border border-stone-300 px-2.5 py-1.5 font-mono text-sm"
              rows={3}
              spellCheck={false}
              placeholder={'one model id per line'}
              value={fields.models}
              onChange={set('models')}
            />
            <span className="text-xs text-stone-500">The model ids this provider serves, one per line.</span>
          </label>
        </>
      )}
      <InlineError error={connect.error} />
      <div>
        <Button type="submit" variant="primary" busy={connect.isPending} disabled={!ready}>
          Connect OpenCode
        </Button>
      </div>
    </form>
  );
}
