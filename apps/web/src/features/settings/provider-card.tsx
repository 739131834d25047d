// One provider's card in Settings → Providers: status, how it is connected,
// Replace / Disconnect, and the provider's own connect form while it is not
// connected (or its credentials are being replaced). Every provider uses it;
// what differs is the details and the form.
import { useState, type ReactNode } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Bot, CircleCheck, CircleDashed, KeyRound, Unplug } from 'lucide-react';
import type { ProviderName, ProviderInfoDto } from '@bottega/protocol';
import { api } from '../../lib/api';
import { Badge, Button, InlineError } from '../../ui';
import { PROVIDER_LABELS, useInvalidateConnections } from './providers';

const DISCONNECT = {
  anthropic: '/api/providers/anthropic',
  openai: '/api/providers/openai',
  opencode: '/api/providers/opencode',
} as const satisfies Record<ProviderName, string>;

export function useDisconnect(name: ProviderName) {
  const invalidate = useInvalidateConnections();
  return useMutation({ mutationFn: () => api.delete(DISCONNECT[name]), onSuccess: invalidate });
}

export interface ProviderCardProps {
  provider: ProviderInfoDto;
  /** How the connection is made (shown while connected). */
  via: string;
  /** The endpoint shown while connected; null hides the row. */
  baseUrl: string | null;
  /** The provider's connect form; it calls `done` once connected. */
  connectForm: (done: () => void) => ReactNode;
  onConnected: () => void;
}

export function ProviderCard({ provider: p, via, baseUrl, connectForm, onConnected }: ProviderCardProps) {
  const [replacing, setReplacing] = useState(false);
  const disconnect = useDisconnect(p.name);
  return (
    <section className="rounded-lg border border-stone-200 bg-white p-4" aria-label={PROVIDER_LABELS[p.name]} data-provider={p.name}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <ProviderHeading provider={p} />
        {p.connected ? (
          <Badge tone="green">
            <CircleCheck aria-hidden="true" size={12} />
            Connected
          </Badge>
        ) : (
          <Badge tone="amber">
            <CircleDashed aria-hidden="true" size={12} />
            Not connected
          </Badge>
        )}
      </div>
      {p.connected && (
        <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-stone-500">Via</dt>
          <dd data-testid="provider-method">{via}</dd>
          {baseUrl !== null && (
            <>
              <dt className="text-stone-500">Base URL</dt>
              <dd className="break-all" data-testid="provider-base-url">
                {baseUrl}
              </dd>
            </>
          )}
        </dl>
      )}
      {p.connected && !replacing && (
        <div className="mt-3 flex flex-wrap gap-2">
          <Button onClick={() => setReplacing(true)}>
            <KeyRound aria-hidden="true" size={14} />
            Replace credentials
          </Button>
          <Button variant="danger" busy={disconnect.isPending} onClick={() => disconnect.mutate()}>
            {!disconnect.isPending && <Unplug aria-hidden="true" size={14} />}
            Disconnect
          </Button>
        </div>
      )}
      <InlineError error={disconnect.error} />
      {(!p.connected || replacing) && (
        <div className="mt-4">
          {connectForm(() => {
            setReplacing(false);
            onConnected();
          })}
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

function ProviderHeading({ provider: p }: { provider: ProviderInfoDto }) {
  return (
    <h3 className="flex items-center gap-2 font-semibold">
      <span aria-hidden="true" className="inline-flex h-7 w-7 items-center justify-center rounded-md bg-indigo-50 text-indigo-700">
        <Bot size={16} />
      </span>
      {PROVIDER_LABELS[p.name]}
    </h3>
  );
}

/** A provider this server build cannot run. */
export function UnavailableProviderCard({ provider: p }: { provider: ProviderInfoDto }) {
  return (
    <section className="rounded-lg border border-stone-200 bg-white p-4" aria-label={PROVIDER_LABELS[p.name]} data-provider={p.name}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <ProviderHeading provider={p} />
        <Badge>Not available yet</Badge>
      </div>
      <p className="mt-2 text-sm text-stone-600">This server cannot run {PROVIDER_LABELS[p.name]} yet.</p>
    </section>
  );
}
