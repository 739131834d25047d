// The first-login gate (docs/behaviour/web-app.md#first-login-gate): while the user has no connected provider, a
// blocking dialog asks them to connect one — Claude Code, Codex or OpenCode —
// before anything can start an agent. It sits below the top bar (the user can still log out or open
// Settings) and stays away from Settings → Providers, which does the same job.
import { useId, useState } from 'react';
import { useLocation } from 'react-router';
import type { ProviderName } from '@bottega/protocol';
import { ClaudeConnect } from './claude-connect';
import { CodexConnect } from './codex-connect';
import { OpencodeConnect } from './opencode-connect';
import { useCompleteOnboarding } from './onboarding';
import { hasConnectedProvider, PROVIDER_LABELS, useProviders } from './providers';

/** Pages where the gate stays out of the way because they are where one connects. */
export function gateExempt(pathname: string): boolean {
  return pathname === '/settings' || pathname === '/settings/' || pathname.startsWith('/settings/providers');
}

export function ProviderGate() {
  const { pathname } = useLocation();
  const providers = useProviders();
  const completeOnboarding = useCompleteOnboarding();
  const titleId = useId();
  const [choice, setChoice] = useState<ProviderName>('anthropic');
  if (!providers.data || hasConnectedProvider(providers.data.providers) || gateExempt(pathname)) return null;
  const available = providers.data.providers.filter((p) => p.available).map((p) => p.name);
  return (
    <div className="fixed inset-0 z-30 flex items-end justify-center bg-black/40 pt-24 sm:items-center sm:p-4 sm:pt-24">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="provider-gate"
        className="max-h-[calc(100vh-6rem)] w-full overflow-y-auto rounded-t-xl bg-white p-5 shadow-xl sm:max-w-lg sm:rounded-xl"
      >
        <h2 id={titleId} className="text-lg font-semibold">
          Connect a coding agent to get started
        </h2>
        <p className="mb-4 mt-1 text-sm text-stone-600">
          Bottega’s agents run under your own account with Claude Code, Codex or OpenCode. Connect one here — you can add the others and
          pick a model per role later in Settings.
        </p>
        {available.length > 1 && (
          <div role="tablist" aria-label="Coding agent" className="mb-4 flex flex-wrap gap-1 rounded-lg bg-stone-100 p-1">
            {available.map((name) => (
              <button
                key={name}
                type="button"
                role="tab"
                aria-selected={choice === name}
                className={`flex-1 rounded-md px-3 py-1.5 text-sm ${choice === name ? 'bg-white font-medium shadow-sm' : 'text-stone-600 hover:text-stone-900'}`}
                onClick={() => setChoice(name)}
              >
                {PROVIDER_LABELS[name]}
              </button>
            ))}
          </div>
        )}
        {choice === 'openai' ? (
          <CodexConnect onConnected={completeOnboarding} />
        ) : choice === 'opencode' ? (
          <OpencodeConnect onConnected={completeOnboarding} />
        ) : (
          <ClaudeConnect onConnected={completeOnboarding} offerDemo />
        )}
      </div>
    </div>
  );
}
