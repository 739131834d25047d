// Connecting Claude Code, shared by Settings → Providers and the first-login
// gate: an Anthropic API key (or an OAuth token the user already has) with an
// optional gateway base URL, or the in-app subscription sign-in. The secret
// leaves the form on submit and is never shown again.
import { useState } from 'react';
import type { ConnectAnthropicBody } from '@bottega/protocol';
import { Button, Field, InlineError } from '../../ui';
import { SetupTokenFlow } from './setup-token-flow';
import { useConnectClaude, useUseSimulatedModel } from './providers';

type Mode = 'key' | 'subscription';
type SecretKind = 'apiKey' | 'oauthToken';

/** The request body for the key form; a blank base URL means "talk to Anthropic directly". */
export function connectBody(kind: SecretKind, secret: string, baseUrl: string): ConnectAnthropicBody {
  const url = baseUrl.trim();
  return { [kind]: secret.trim(), baseUrl: url === '' ? null : url };
}

export function ClaudeConnect({ onConnected, offerDemo = false }: { onConnected?: () => void; offerDemo?: boolean }) {
  const [mode, setMode] = useState<Mode>('key');
  return (
    <div className="flex flex-col gap-4">
      <div role="tablist" aria-label="How to connect Claude" className="flex flex-wrap gap-1 rounded-lg bg-stone-100 p-1">
        <TabButton selected={mode === 'key'} onClick={() => setMode('key')}>
          API key
        </TabButton>
        <TabButton selected={mode === 'subscription'} onClick={() => setMode('subscription')}>
          Claude subscription sign-in
        </TabButton>
      </div>
      {mode === 'key' ? <KeyForm onConnected={onConnected} /> : <SetupTokenFlow onConnected={onConnected} />}
      {offerDemo && <DemoOption onConnected={onConnected} />}
    </div>
  );
}

function TabButton({ selected, onClick, children }: { selected: boolean; onClick: () => void; children: string }) {
  return (
    <button
      type="button"
      role="tab"
      aria-selected={selected}
      onClick={onClick}
      className={`flex-1 rounded-md px-3 py-1.5 text-sm font-medium ${selected ? 'bg-white text-stone-900 shadow-sm' : 'text-stone-600 hover:text-stone-900'}`}
    >
      {children}
    </button>
  );
}

function KeyForm({ onConnected }: { onConnected?: () => void }) {
  const [kind, setKind] = useState<SecretKind>('apiKey');
  const [secret, setSecret] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const connect = useConnectClaude(() => {
    setSecret('');
    onConnected?.();
  });
  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        connect.mutate(connectBody(kind, secret, baseUrl));
      }}
    >
      <fieldset className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <legend className="sr-only">Credential type</legend>
        <label className="flex items-center gap-1.5">
          <input type="radio" name="claude-secret-kind" checked={kind === 'apiKey'} onChange={() => setKind('apiKey')} />
          Anthropic API key
        </label>
        <label className="flex items-center gap-1.5">
          <input type="radio" name="claude-secret-kind" checked={kind === 'oauthToken'} onChange={() => setKind('oauthToken')} />
          OAuth token from <code>claude setup-token</code>
        </label>
      </fieldset>
      <Field
        label={kind === 'apiKey' ? 'API key' : 'OAuth token'}
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={secret}
        onChange={(e) => setSecret(e.target.value)}
        hint={
          kind === 'oauthToken'
            ? 'Tokens from a consumer subscription may breach Anthropic’s terms when used outside its own apps; the choice is yours.'
            : 'Stored for your account only; it is never shown again.'
        }
        required
      />
      <Field
        label="Base URL (optional)"
        type="url"
        placeholder="https://gateway.example.com"
        value={baseUrl}
        onChange={(e) => setBaseUrl(e.target.value)}
        hint="Only for a gateway or proxy in front of Anthropic; leave empty otherwise."
      />
      <InlineError error={connect.error} />
      <div>
        <Button type="submit" variant="primary" busy={connect.isPending} disabled={secret.trim() === ''}>
          Connect Claude
        </Button>
      </div>
    </form>
  );
}

function DemoOption({ onConnected }: { onConnected?: () => void }) {
  const demo = useUseSimulatedModel(onConnected);
  return (
    <div className="border-t border-stone-200 pt-3 text-sm text-stone-600">
      <p>No credentials yet? Watch the agents work on a simulated model first — every answer is scripted and labelled “simulated”.</p>
      <Button variant="ghost" className="mt-1 px-0 underline" busy={demo.isPending} onClick={() => demo.mutate()}>
        Use the simulated model
      </Button>
      <InlineError error={demo.error} />
    </div>
  );
}
