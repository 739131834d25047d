// The first-login gate (SPEC §7): while the user has no connected provider, a
// blocking dialog asks them to connect Claude before anything can start an
// agent. It sits below the top bar (the user can still log out or open
// Settings) and stays away from Settings → Providers, which does the same job.
import { useId } from 'react';
import { useLocation } from 'react-router';
import { ClaudeConnect } from './claude-connect';
import { useCompleteOnboarding } from './onboarding';
import { hasConnectedProvider, useProviders } from './providers';

/** Pages where the gate stays out of the way because they are where one connects. */
export function gateExempt(pathname: string): boolean {
  return pathname === '/settings' || pathname === '/settings/' || pathname.startsWith('/settings/providers');
}

export function ProviderGate() {
  const { pathname } = useLocation();
  const providers = useProviders();
  const completeOnboarding = useCompleteOnboarding();
  const titleId = useId();
  if (!providers.data || hasConnectedProvider(providers.data.providers) || gateExempt(pathname)) return null;
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
          Connect Claude to get started
        </h2>
        <p className="mb-4 mt-1 text-sm text-stone-600">
          Bottega’s agents run Claude Code under your own account. Connect it once here — you can change it later in Settings → Providers.
        </p>
        <ClaudeConnect onConnected={completeOnboarding} offerDemo />
      </div>
    </div>
  );
}
