// Settings → API key: one personal key for scripts and CI (docs/behaviour/accounts.md#api-keys). The key
// itself is shown once, right after it is generated, and lives only in this
// component's state; afterwards only its prefix and dates are visible.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Badge, Button, ErrorState, InlineError, LoadingState, Modal } from '../../ui';

export function formatDate(iso: string | null): string {
  if (!iso) return 'never';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function ApiKeySection() {
  const qc = useQueryClient();
  const status = useQuery({ queryKey: keys.apiKey, queryFn: () => api.get('/api/auth/api-key') });
  const [fresh, setFresh] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<'replace' | 'revoke' | null>(null);
  const generate = useMutation({
    mutationFn: () => api.post('/api/auth/api-key'),
    gcTime: 0,
    onSuccess: (res) => {
      setConfirm(null);
      setFresh(res.key);
      qc.setQueryData(keys.apiKey, res.status);
    },
  });
  const revoke = useMutation({
    mutationFn: () => api.delete('/api/auth/api-key'),
    onSuccess: (s) => {
      setConfirm(null);
      setFresh(null);
      qc.setQueryData(keys.apiKey, s);
    },
  });
  if (status.isPending) return <LoadingState />;
  if (status.isError) return <ErrorState error={status.error} retry={() => void status.refetch()} />;
  const s = status.data;
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm text-stone-600">
        An API key lets scripts and CI call Bottega as you: send it as <code>Authorization: Bearer &lt;key&gt;</code>. You can have one key
        at a time.
      </p>
      {fresh && (
        <FreshKey
          value={fresh}
          onDone={() => {
            setFresh(null);
            // The mutation's result holds the key too; drop it.
            generate.reset();
          }}
        />
      )}
      <section className="rounded-lg border border-stone-200 bg-white p-4" data-testid="api-key-status" data-has-key={s.hasKey}>
        {s.hasKey ? (
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-stone-500">Key</dt>
            <dd>
              <code>{s.prefix}…</code> <Badge tone="green">active</Badge>
            </dd>
            <dt className="text-stone-500">Created</dt>
            <dd>{formatDate(s.createdAt)}</dd>
            <dt className="text-stone-500">Last used</dt>
            <dd>{formatDate(s.lastUsedAt)}</dd>
          </dl>
        ) : (
          <p className="text-sm text-stone-600">You have no API key.</p>
        )}
        <div className="mt-3 flex flex-wrap gap-2">
          <Button
            variant="primary"
            busy={generate.isPending && confirm === null}
            onClick={() => (s.hasKey ? setConfirm('replace') : generate.mutate())}
          >
            {s.hasKey ? 'Generate a new key' : 'Generate a key'}
          </Button>
          {s.hasKey && (
            <Button variant="danger" onClick={() => setConfirm('revoke')}>
              Revoke
            </Button>
          )}
        </div>
        {confirm === null && <InlineError error={generate.error ?? revoke.error} />}
      </section>
      {confirm && (
        <Modal title={confirm === 'revoke' ? 'Revoke the API key?' : 'Replace the API key?'} onClose={() => setConfirm(null)}>
          <p className="text-sm text-stone-700">
            {confirm === 'revoke'
              ? 'Scripts using it stop working immediately.'
              : 'The current key stops working immediately; scripts need the new one.'}
          </p>
          <InlineError error={generate.error ?? revoke.error} />
          <div className="mt-4 flex justify-end gap-2">
            <Button onClick={() => setConfirm(null)}>Cancel</Button>
            {confirm === 'revoke' ? (
              <Button variant="danger" busy={revoke.isPending} onClick={() => revoke.mutate()}>
                Revoke key
              </Button>
            ) : (
              <Button variant="danger" busy={generate.isPending} onClick={() => generate.mutate()}>
                Replace key
              </Button>
            )}
          </div>
        </Modal>
      )}
    </div>
  );
}

/** Copies to the clipboard; false where the browser refuses (no permission, insecure page). */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function FreshKey({ value, onDone }: { value: string; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  return (
    <section className="rounded-lg border border-amber-300 bg-amber-50 p-4" aria-label="Your new API key">
      <p className="text-sm font-medium text-amber-900">Copy your new key now — it will not be shown again.</p>
      <div className="mt-2 flex flex-wrap gap-2">
        <input
          readOnly
          aria-label="New API key"
          value={value}
          onFocus={(e) => e.target.select()}
          className="min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-2 py-1.5 font-mono text-sm"
          data-testid="new-api-key"
        />
        <Button onClick={() => void copyText(value).then((ok) => setCopied(ok ? 'yes' : 'failed'))}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          I saved it
        </Button>
      </div>
      {copied === 'failed' && (
        <p className="mt-1 text-xs text-red-700">The browser did not allow copying; select the key and copy it by hand.</p>
      )}
    </section>
  );
}
