// Admin → Instance settings: the GitHub handle whose @mention in a pull-request
// comment summons the PR agent, the agent sandbox (docs/behaviour/sandbox.md#modes), the server's
// capacity (limits, memory, who runs and waits: docs/behaviour/capacity.md), and how to set up
// the repository webhook that delivers those comments (docs/behaviour/webhook.md#setup).
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { InstanceSettingsResponse } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Button, ErrorState, Field, InlineError, LoadingState } from '../../ui';
import { CapacityPanel } from './capacity-panel';
import { SandboxPanel } from './sandbox-panel';

const EVENT_LABELS: Record<string, string> = {
  issue_comment: 'Issue comments',
  pull_request_review: 'Pull request reviews',
  pull_request: 'Pull requests',
  check_suite: 'Check suites',
  check_run: 'Check runs',
  status: 'Statuses',
};

export function InstancePanel() {
  const settings = useQuery({ queryKey: keys.adminSettings, queryFn: () => api.get('/api/admin/settings'), retry: false });
  if (settings.isPending) return <LoadingState />;
  if (settings.isError) return <ErrorState error={settings.error} retry={() => void settings.refetch()} />;
  return (
    <div className="flex flex-col gap-6">
      <InstanceForm initial={settings.data} />
      <SandboxPanel />
      <CapacityPanel />
      <WebhookSetup />
    </div>
  );
}

/** What to enter in the repository's Settings → Webhooks on GitHub. */
function WebhookSetup() {
  const health = useQuery({ queryKey: keys.webhookHealth, queryFn: () => api.get('/api/webhooks/health') });
  if (health.isPending) return <LoadingState label="Reading the webhook setup…" />;
  if (health.isError) return <ErrorState error={health.error} retry={() => void health.refetch()} />;
  const h = health.data;
  const url = `${window.location.origin}${h.path}`;
  return (
    <section aria-labelledby="webhook-heading" className="flex flex-col gap-2 text-sm sm:max-w-2xl" data-testid="webhook-setup">
      <h3 id="webhook-heading" className="text-base font-semibold">
        GitHub webhook
      </h3>
      <p className="text-stone-600">
        In each repository&apos;s Settings → Webhooks on GitHub, add a webhook with these values. Reviewers then mention @{h.triggerHandle}{' '}
        in a pull-request comment or review to send the PR agent back to work.
      </p>
      <dl className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[10rem_1fr]">
        <dt className="font-medium text-stone-700">Payload URL</dt>
        <dd>
          <code className="break-all rounded bg-stone-100 px-1" data-testid="webhook-url">
            {url}
          </code>
        </dd>
        <dt className="font-medium text-stone-700">Content type</dt>
        <dd>
          <code className="rounded bg-stone-100 px-1">application/json</code>
        </dd>
        <dt className="font-medium text-stone-700">Secret</dt>
        <dd data-testid="webhook-secret">
          {h.secretConfigured ? (
            <span className="text-green-800">Configured on this server — enter the same value of GITHUB_WEBHOOK_SECRET on GitHub.</span>
          ) : (
            <span className="text-red-700">
              Not configured: set GITHUB_WEBHOOK_SECRET (16 characters or more) on the server and restart it. Until then every delivery is
              refused.
            </span>
          )}
        </dd>
        <dt className="font-medium text-stone-700">Events</dt>
        <dd>Let me select individual events: {h.events.map((e) => EVENT_LABELS[e] ?? e).join(', ')}.</dd>
      </dl>
      <p className="text-xs text-stone-500">
        The URL is this page&apos;s address as your browser sees it; GitHub must be able to reach it.
      </p>
    </section>
  );
}

function InstanceForm({ initial }: { initial: InstanceSettingsResponse }) {
  const qc = useQueryClient();
  const [handle, setHandle] = useState(initial.triggerHandle);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () => api.patch('/api/admin/settings', { body: { triggerHandle: handle.trim().replace(/^@/, '') } }),
    onSuccess: (res) => {
      setSaved(true);
      qc.setQueryData(keys.adminSettings, res);
    },
  });
  return (
    <form
      className="flex flex-col gap-3 sm:max-w-md"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        save.mutate();
      }}
    >
      <Field
        label="Trigger handle"
        value={handle}
        onChange={(e) => {
          setSaved(false);
          setHandle(e.target.value);
        }}
        hint="Mentioning @handle in a pull-request comment or review asks the PR agent to address it."
        required
      />
      <InlineError error={save.error} />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" busy={save.isPending} disabled={handle.trim() === initial.triggerHandle}>
          Save
        </Button>
        {saved && (
          <span role="status" className="text-sm text-green-700">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}
