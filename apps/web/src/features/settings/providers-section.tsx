// Settings → Providers: every provider the server lists with the user's
// connection status, each connectable, replaceable and disconnectable on its
// card. Providers this build cannot run are shown as "not available yet".
import type { ProviderInfoDto } from '@bottega/protocol';
import { ErrorState, LoadingState } from '../../ui';
import { ClaudeConnect } from './claude-connect';
import { CodexProviderCard } from './codex-connect';
import { useCompleteOnboarding } from './onboarding';
import { OpencodeProviderCard } from './opencode-connect';
import { ProviderCard, UnavailableProviderCard } from './provider-card';
import { useProviders } from './providers';

export function ProvidersSection() {
  const providers = useProviders();
  if (providers.isPending) return <LoadingState />;
  if (providers.isError) return <ErrorState error={providers.error} retry={() => void providers.refetch()} />;
  return (
    <ul className="flex flex-col gap-4">
      {providers.data.providers.map((p) => (
        <li key={p.name}>
          {!p.available ? (
            <UnavailableProviderCard provider={p} />
          ) : p.name === 'opencode' ? (
            <OpencodeProviderCard provider={p} />
          ) : p.name === 'openai' ? (
            <CodexProviderCard provider={p} />
          ) : (
            <ClaudeCard provider={p} />
          )}
        </li>
      ))}
    </ul>
  );
}

function methodLabel(p: ProviderInfoDto): string {
  if (p.simulated) return 'simulated model (offline demo)';
  return p.method === 'api-key' ? 'API key' : p.method === 'oauth-token' ? 'OAuth token' : 'unknown method';
}

/** What the Claude card says of a connection: how, and where to (the simulated model runs inside Bottega: no endpoint). */
export function claudeConnection(p: ProviderInfoDto): { via: string; baseUrl: string | null } {
  return { via: methodLabel(p), baseUrl: p.simulated ? null : (p.baseUrl ?? 'Anthropic (default)') };
}

function ClaudeCard({ provider: p }: { provider: ProviderInfoDto }) {
  const completeOnboarding = useCompleteOnboarding();
  const { via, baseUrl } = claudeConnection(p);
  return (
    <ProviderCard
      provider={p}
      via={via}
      baseUrl={baseUrl}
      onConnected={completeOnboarding}
      connectForm={(done) => <ClaudeConnect onConnected={done} />}
    />
  );
}
