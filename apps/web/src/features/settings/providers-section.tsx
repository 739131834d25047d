// Settings → Providers: every provider the server lists with the user's
// connection status; Claude Code can be connected, replaced or disconnected.
// Providers this build cannot run are shown as "not available yet".
import { useState } from 'react';
import { Badge, Button, ErrorState, InlineError, LoadingState } from '../../ui';
import { ClaudeConnect } from './claude-connect';
import { CodexProviderCard } from './codex-connect';
import { useCompleteOnboarding } from './onboarding';
import { OpencodeProviderCard } from './opencode-connect';
import { PROVIDER_LABELS, useDisconnectClaude, useProviders, type ProviderInfo } from './providers';

export function ProvidersSection() {
  const providers = useProviders();
  if (providers.isPending) return <LoadingState />;
  if (providers.isError) return <ErrorState error={providers.error} retry={() => void providers.refetch()} />;
  return (
    <ul className="flex flex-col gap-4">
      {providers.data.providers.map((p) => (
        <li key={p.name}>
          {p.name === 'opencode' && p.available ? <OpencodeProviderCard provider={p} /> : p.name === 'openai' && p.available ? <CodexProviderCard provider={p} /> : <ProviderCard provider={p} />}
        </li>
      ))}
    </ul>
  );
}

function methodLabel(p: ProviderInfo): string {
  if (p.simulated) return 'simulated model (offline demo)';
  return p.method === 'api-key' ? 'API key' : p.method === 'oauth-token' ? 'OAuth token' : 'unknown method';
}

function ProviderCard({ provider: p }: { provider: ProviderInfo }) {
  const [replacing, setReplacing] = useState(false);
  const disconnect = useDisconnectClaude();
  const completeOnboarding = useCompleteOnboarding();
  const connectable = p.available && p.name === 'anthropic';
  return (
    <section className="rounded-lg border border-stone-200 bg-white p-4" aria-label={PROVIDER_LABELS[p.name]} data-provider={p.name}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-semibold">{PROVIDER_LABELS[p.name]}</h3>
        {!connectable ? (
          <Badge>Not available yet</Badge>
        ) : p.connected ? (
          <Badge tone="green">Connected</Badge>
        ) : (
          <Badge tone="amber">Not connected</Badge>
        )}
      </div>
      {!connectable && <p className="mt-2 text-sm text-stone-600">This server cannot run {PROVIDER_LABELS[p.name]} yet.</p>}
      {connectable && p.connected && (
        <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-stone-500">Via</dt>
          <dd data-testid="provider-method">{methodLabel(p)}</dd>
          <dt className="text-stone-500">Base URL</dt>
          <dd className="break-all" data-testid="provider-base-url">
            {p.baseUrl ?? 'Anthropic (default)'}
          </dd>
        </dl>
      )}
      {connectable && p.connected && !replacing && (
        <div className="mt-3 flex flex-wrap gap-2">
          <Button onClick={() => setReplacing(true)}>Replace credentials</Button>
          <Button variant="danger" busy={disconnect.isPending} onClick={() => disconnect.mutate()}>
            Disconnect
          </Button>
        </div>
      )}
      <InlineError error={disconnect.error} />
      {connectable && (!p.connected || replacing) && (
        <div className="mt-4">
          <ClaudeConnect
            onConnected={() => {
              setReplacing(false);
              completeOnboarding();
            }}
          />
          {replacing && (
            <Button variant="ghost" className="mt-2" onClick={() => setReplacing(false)}>
              Keep the current credentials
            </Button>
          )}
        </div>
      )}
    </section>
  );
}
