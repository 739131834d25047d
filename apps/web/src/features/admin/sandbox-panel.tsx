// Admin → Instance → Agent sandbox: whether agents run confined on this
// server and why (what the start-up check found), which hosts every agent
// reaches, and each project's extra hosts (package registries and the like),
// one per line (docs/behaviour/sandbox.md#allowed-hosts).
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Badge, Button, ErrorState, InlineError, LoadingState } from '../../ui';
import { ProjectPicker } from './project-picker';

/** The textarea's lines as hosts: trimmed, blank lines and duplicates dropped. */
export function parseHostLines(text: string): string[] {
  return [
    ...new Set(
      text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== ''),
    ),
  ];
}

export function SandboxPanel() {
  const status = useQuery({ queryKey: keys.adminSandbox, queryFn: () => api.get('/api/admin/sandbox') });
  if (status.isPending) return <LoadingState label="Reading the sandbox state…" />;
  if (status.isError) return <ErrorState error={status.error} retry={() => void status.refetch()} />;
  const s = status.data.sandbox;
  return (
    <section aria-labelledby="sandbox-heading" className="flex flex-col gap-3 text-sm sm:max-w-2xl" data-testid="sandbox-panel">
      <h3 id="sandbox-heading" className="flex flex-wrap items-center gap-2 text-base font-semibold">
        Agent sandbox
        {s.confined ? <Badge tone="green">Agents run confined</Badge> : <Badge tone="red">Agents run unconfined</Badge>}
      </h3>
      <p className={s.confined ? 'text-stone-600' : 'text-red-700'} data-testid="sandbox-reason">
        {s.reason}.{' '}
        {s.confined
          ? 'Each agent sees only its task’s worktree and archive and its user’s own provider folder, and reaches only its model endpoint, GitHub, Bottega’s signal route and the hosts below.'
          : s.mode === 'required'
            ? 'BOTTEGA_SANDBOX=required: agents will not start until the sandbox works.'
            : 'Any agent can read every user’s credentials on this machine. Install bubblewrap and socat, or set BOTTEGA_SANDBOX=required to refuse agents instead.'}
      </p>
      <p className="text-stone-600">
        Mode <code className="rounded bg-stone-100 px-1">BOTTEGA_SANDBOX={s.mode}</code>. Every agent may reach{' '}
        {s.alwaysAllowed.map((h, i) => (
          <span key={h}>
            {i > 0 && ', '}
            <code className="rounded bg-stone-100 px-1">{h}</code>
          </span>
        ))}
        .
      </p>
      <ProjectHostsEditor />
    </section>
  );
}

function ProjectHostsEditor() {
  return (
    <div className="rounded-md border border-stone-200 p-3">
      <ProjectPicker
        label="Extra hosts for project"
        empty={<p className="text-stone-500">Extra hosts are set per project; there is no project yet.</p>}
      >
        {(projectId) => <HostsForm key={projectId} projectId={projectId} />}
      </ProjectPicker>
    </div>
  );
}

function HostsForm({ projectId }: { projectId: number }) {
  const qc = useQueryClient();
  const hosts = useQuery({
    queryKey: keys.allowedHosts(projectId),
    queryFn: () => api.get('/api/projects/:projectId/allowed-hosts', { params: { projectId } }),
  });
  const [text, setText] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (list: string[]) => api.put('/api/projects/:projectId/allowed-hosts', { params: { projectId }, body: { hosts: list } }),
    onSuccess: (res) => {
      qc.setQueryData(keys.allowedHosts(projectId), res);
      setText(null);
      setSaved(true);
    },
  });
  if (hosts.isPending) return <LoadingState />;
  if (hosts.isError) return <ErrorState error={hosts.error} retry={() => void hosts.refetch()} />;
  const current = hosts.data.allowedHosts.hosts.join('\n');
  const value = text ?? current;
  return (
    <form
      className="flex flex-col gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        save.mutate(parseHostLines(value));
      }}
    >
      <textarea
        className="min-h-24 rounded-md border border-stone-300 px-2 py-1.5 font-mono text-xs"
        aria-label="Extra hosts, one per line"
        placeholder={'registry.npmjs.org\n*.pypi.org\nmirror.example.com:8443'}
        value={value}
        onChange={(e) => {
          setSaved(false);
          setText(e.target.value);
        }}
      />
      <p className="text-xs text-stone-500">
        One per line: a host name, *.domain for its subdomains, and :port for a port other than 80 and 443. Agents get them from their next
        turn.
      </p>
      <InlineError error={save.error} />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" busy={save.isPending} disabled={value === current}>
          Save hosts
        </Button>
        {saved && (
          <span role="status" className="text-green-700">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}
