// The in-app `claude setup-token` sign-in (docs/behaviour/provider-claude-code.md#setup-token-sign-in): start → open the login
// link the CLI printed → paste the code Claude shows → connected. The server
// runs the CLI; this panel follows its state by polling while it is pending.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SetupTokenStatusResponse } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Button, Field, InlineError } from '../../ui';
import { useInvalidateConnections } from './providers';

const PENDING: ReadonlySet<SetupTokenStatusResponse['status']> = new Set(['starting', 'awaiting-code', 'verifying']);

/** Poll while the CLI is working or waiting; stop once it settled. */
export function pollInterval(state: SetupTokenStatusResponse | undefined): number | false {
  return state && PENDING.has(state.status) ? 2000 : false;
}

export const SUBSCRIPTION_WARNING =
  "Using a consumer Claude subscription (Pro or Max) outside Anthropic's own apps may breach Anthropic's terms of service. An API key avoids the question. It is your choice.";

export function SetupTokenFlow({ onConnected }: { onConnected?: () => void }) {
  const qc = useQueryClient();
  const invalidate = useInvalidateConnections();
  const [code, setCode] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const status = useQuery({
    queryKey: keys.setupToken,
    queryFn: () => api.get('/api/providers/anthropic/setup-token'),
    refetchInterval: (q) => pollInterval(q.state.data),
  });
  const start = useMutation({
    mutationFn: () => api.post('/api/providers/anthropic/setup-token/start'),
    onMutate: () => qc.setQueryData<SetupTokenStatusResponse>(keys.setupToken, { status: 'starting' }),
    onSuccess: (res) => {
      setNotice(res.notice);
      const next: SetupTokenStatusResponse = { status: 'awaiting-code', url: res.url };
      qc.setQueryData<SetupTokenStatusResponse>(keys.setupToken, next);
    },
    onError: () => qc.invalidateQueries({ queryKey: keys.setupToken }),
  });
  const complete = useMutation({
    mutationFn: (value: string) => api.post('/api/providers/anthropic/setup-token/complete', { body: { code: value } }),
    gcTime: 0,
    onSuccess: async () => {
      setCode('');
      qc.setQueryData<SetupTokenStatusResponse>(keys.setupToken, { status: 'connected' });
      await invalidate();
      onConnected?.();
    },
    onError: () => qc.invalidateQueries({ queryKey: keys.setupToken }),
  });
  const cancel = useMutation({
    mutationFn: () => api.post('/api/providers/anthropic/setup-token/cancel'),
    onSuccess: (s) => {
      setCode('');
      qc.setQueryData<SetupTokenStatusResponse>(keys.setupToken, s);
    },
  });

  const state: SetupTokenStatusResponse = status.data ?? { status: 'idle' };
  const error = start.error ?? complete.error ?? cancel.error ?? status.error;

  return (
    <div className="flex flex-col gap-3" data-testid="setup-token-flow" data-status={state.status}>
      <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" role="note">
        {notice ?? SUBSCRIPTION_WARNING}
      </p>
      {(state.status === 'idle' || state.status === 'connected') && (
        <div>
          <Button variant="primary" busy={start.isPending} onClick={() => start.mutate()}>
            I understand — sign in with Claude
          </Button>
        </div>
      )}
      {state.status === 'starting' && <p className="text-sm text-stone-600">Starting the Claude sign-in…</p>}
      {state.status === 'awaiting-code' && (
        <form
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            complete.mutate(code);
          }}
        >
          <ol className="list-decimal space-y-1 pl-5 text-sm text-stone-700">
            <li>
              Open{' '}
              <a href={state.url} target="_blank" rel="noreferrer noopener" className="break-all font-medium text-indigo-700 underline">
                the Claude sign-in page
              </a>{' '}
              and approve access.
            </li>
            <li>Copy the code Claude shows you and paste it here.</li>
          </ol>
          <Field
            label="Code from Claude"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            required
          />
          <div className="flex flex-wrap gap-2">
            <Button type="submit" variant="primary" busy={complete.isPending} disabled={code.trim() === ''}>
              Complete sign-in
            </Button>
            <Button busy={cancel.isPending} onClick={() => cancel.mutate()}>
              Cancel
            </Button>
          </div>
        </form>
      )}
      {state.status === 'verifying' && <p className="text-sm text-stone-600">Checking the code with Claude…</p>}
      {state.status === 'failed' && (
        <div className="flex flex-col gap-2">
          <p role="alert" className="text-sm text-red-700">
            The sign-in failed: {state.error}
          </p>
          <div>
            <Button busy={start.isPending} onClick={() => start.mutate()}>
              Try again
            </Button>
          </div>
        </div>
      )}
      {(state.status === 'starting' || state.status === 'verifying') && (
        <div>
          <Button busy={cancel.isPending} onClick={() => cancel.mutate()}>
            Cancel
          </Button>
        </div>
      )}
      <InlineError error={error} />
    </div>
  );
}
