// The caller's provider connections as the server reports them (GET
// /api/providers), and the mutations that change them. The cache holds the
// server's own response shape so every screen reading `keys.providers` agrees.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ConnectAnthropicBody, ProviderInfoDto, ProviderName } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';

export const PROVIDER_LABELS: Record<ProviderName, string> = {
  anthropic: 'Claude Code (Anthropic)',
  openai: 'Codex (OpenAI)',
  opencode: 'OpenCode',
};

export function useProviders() {
  return useQuery({ queryKey: keys.providers, queryFn: () => api.get('/api/providers') });
}

/** True when at least one provider is connected (what the first-login gate waits for). */
export function hasConnectedProvider(providers: readonly ProviderInfoDto[]): boolean {
  return providers.some((p) => p.available && p.connected);
}

/** After any connection change: providers, and the model settings the server may have seeded. */
export function useInvalidateConnections(): () => Promise<void> {
  const qc = useQueryClient();
  return async () => {
    await Promise.all([qc.invalidateQueries({ queryKey: keys.providers }), qc.invalidateQueries({ queryKey: keys.agentSettings })]);
  };
}

export function useConnectClaude(onConnected?: () => void) {
  const invalidate = useInvalidateConnections();
  return useMutation({
    mutationFn: (body: ConnectAnthropicBody) => api.put('/api/providers/anthropic', { body }),
    // The secret typed into the form is not kept in the mutation cache.
    gcTime: 0,
    onSuccess: async () => {
      await invalidate();
      onConnected?.();
    },
  });
}

export function useUseSimulatedModel(onConnected?: () => void) {
  const invalidate = useInvalidateConnections();
  return useMutation({
    mutationFn: () => api.post('/api/providers/anthropic/simulated'),
    onSuccess: async () => {
      await invalidate();
      onConnected?.();
    },
  });
}
