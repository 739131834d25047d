// Admin → Instance → Capacity (docs/behaviour/web-app.md#admin-capacity): how many agents this
// server runs at once and where that figure comes from, the per-user limit (editable here), the
// machine's memory against the threshold below which new runs wait, each user's share, and every
// run that holds or waits for a slot — running first, then queued in the order they start, then
// those waiting for their usage limit. Read again every few seconds while the panel is open.
import { useState } from 'react';
import { Clock, Hourglass, MemoryStick } from 'lucide-react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AGENT_LABELS, RUN_LIMIT_MAX, type CapacityDto, type CapacityRunDto, type QueueReason } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { queueMarker, resumeTime } from '../../lib/queue-words';
import { paths } from '../../lib/routing';
import { Badge, Button, ErrorState, Field, InlineError, LiveDot, LoadingState } from '../../ui';

/** How often the open panel reads the picture again. */
export const CAPACITY_REFRESH_MS = 4000;

/** Why a run waits, as the administrator reads it (about someone's run, not their own). */
const ADMIN_REASONS: Record<QueueReason, string> = {
  global_limit: 'every slot of the server is taken',
  user_limit: 'its user runs as many agents as the per-user limit allows',
  quota: 'its provider’s usage limit resets',
  memory: 'the server is short of memory',
};

/** The reason part of a waiting run's line in the Admin list. */
export function adminWaitText(run: Pick<CapacityRunDto, 'status' | 'queue'>): string {
  if (run.status === 'waiting_for_quota' || run.queue?.reason === 'quota')
    return run.queue?.resumeAt ? `resumes at ${resumeTime(run.queue.resumeAt)}` : 'resumes when its usage limit resets';
  return run.queue ? `waits: ${ADMIN_REASONS[run.queue.reason]}` : 'waits for a slot';
}

/** "512 MiB", "3.2 GiB". */
export function memoryText(mb: number): string {
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GiB` : `${Math.round(mb)} MiB`;
}

export function CapacityPanel() {
  const capacity = useQuery({
    queryKey: keys.adminCapacity,
    queryFn: async ({ signal }) => (await api.get('/api/admin/capacity', { signal })).capacity,
    refetchInterval: CAPACITY_REFRESH_MS,
  });
  if (capacity.isPending) return <LoadingState label="Reading the server’s capacity…" />;
  if (capacity.isError && !capacity.data) return <ErrorState error={capacity.error} retry={() => void capacity.refetch()} />;
  const c = capacity.data;
  return (
    <section aria-labelledby="capacity-heading" className="flex flex-col gap-3 text-sm sm:max-w-3xl" data-testid="capacity-panel">
      <h3 id="capacity-heading" className="flex flex-wrap items-center gap-2 text-base font-semibold">
        Capacity
        <Badge tone="sky">{c.running} running</Badge>
        <Badge tone="stone">{c.queued} queued</Badge>
        {c.waitingForQuota > 0 && <Badge tone="amber">{c.waitingForQuota} waiting for quota</Badge>}
      </h3>
      <p className="text-stone-600">
        Every agent run and chat turn takes one run slot. Beyond the limits, runs wait in line — fairly between users — and start by
        themselves as slots free up.
      </p>
      {c.memory.shedding && (
        <div
          role="status"
          className="flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950"
          data-testid="memory-shedding"
        >
          <MemoryStick aria-hidden="true" className="mt-0.5 h-4 w-4 shrink-0 text-amber-700" />
          <p>
            <span className="font-semibold">New runs wait: memory is below {memoryText(c.memory.thresholdMb)}</span> (
            {memoryText(c.memory.availableMb)} available). Running agents go on; queued runs start once memory frees up.
          </p>
        </div>
      )}
      <dl className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[12rem_1fr]">
        <dt className="font-medium text-stone-700">Agents at once</dt>
        <dd data-testid="capacity-max">
          <span className="font-semibold tabular-nums">{c.maxRunning}</span>{' '}
          <span className="text-stone-600">
            {c.maxRunningSource === 'config' ? (
              <>
                — set by <code className="rounded bg-stone-100 px-1">BOTTEGA_MAX_RUNNING</code>
              </>
            ) : c.maxRunningSource === 'cluster' ? (
              '— the slots of the cluster’s agent nodes together (see Cluster below)'
            ) : (
              '— from this machine’s cores and memory (set BOTTEGA_MAX_RUNNING to choose)'
            )}
          </span>
        </dd>
        <dt className="font-medium text-stone-700">Memory available</dt>
        <dd data-testid="capacity-memory">
          <span className={`font-semibold tabular-nums ${c.memory.shedding ? 'text-amber-800' : ''}`}>
            {memoryText(c.memory.availableMb)}
          </span>{' '}
          <span className="text-stone-600">
            — new runs wait below {memoryText(c.memory.thresholdMb)} (
            <code className="rounded bg-stone-100 px-1">BOTTEGA_MIN_FREE_MEMORY_MB</code>)
          </span>
        </dd>
      </dl>
      <PerUserLimitForm current={c.perUserLimit} maxRunning={c.maxRunning} />
      <UsersTable capacity={c} />
      <RunsList runs={c.runs} />
    </section>
  );
}

function PerUserLimitForm({ current, maxRunning }: { current: number; maxRunning: number }) {
  const qc = useQueryClient();
  // The admin's draft; null shows the server's figure (kept current by the panel's refreshes).
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? String(current);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (perUserLimit: number) => api.put('/api/admin/capacity', { body: { perUserLimit } }),
    onSuccess: (res) => {
      qc.setQueryData(keys.adminCapacity, res.capacity);
      setDraft(null);
      setSaved(true);
    },
  });
  const value = Number(text);
  const valid = /^[0-9]+$/.test(text.trim()) && value >= 1 && value <= RUN_LIMIT_MAX;
  return (
    <form
      className="flex flex-col gap-2 rounded-md border border-stone-200 p-3 sm:max-w-md"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        if (valid) save.mutate(value);
      }}
    >
      <Field
        label="Agents at once per user"
        type="number"
        inputMode="numeric"
        min={1}
        max={RUN_LIMIT_MAX}
        value={text}
        onChange={(e) => {
          setSaved(false);
          save.reset();
          setDraft(e.target.value);
        }}
        error={text.trim() !== '' && !valid ? `A whole number from 1 to ${RUN_LIMIT_MAX}.` : null}
        hint={
          value > maxRunning
            ? `Above the server’s ${maxRunning}: one user may take every slot while others wait their turn.`
            : 'Runs and chat turns of one user beyond this wait in line, even when the server has room.'
        }
      />
      <InlineError error={save.error} />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" busy={save.isPending} disabled={!valid || value === current}>
          Save limit
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

function UsersTable({ capacity }: { capacity: CapacityDto }) {
  return (
    <div className="flex flex-col gap-1">
      <h4 className="font-semibold text-stone-800">Per user</h4>
      {capacity.users.length === 0 ? (
        <p className="text-stone-500">Nobody has an agent running or waiting.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left tabular-nums" aria-label="Agents per user">
            <thead className="text-xs text-stone-500">
              <tr>
                <th scope="col" className="py-1 pr-3 font-medium">
                  User
                </th>
                <th scope="col" className="py-1 pr-3 text-right font-medium">
                  Running
                </th>
                <th scope="col" className="py-1 pr-3 text-right font-medium">
                  Chats
                </th>
                <th scope="col" className="py-1 pr-3 text-right font-medium">
                  Queued
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  Waiting for quota
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {capacity.users.map((u) => (
                <tr key={u.userId}>
                  <th scope="row" className="max-w-[8rem] truncate py-1 pr-3 font-medium text-stone-800">
                    {u.username}
                  </th>
                  <td className="py-1 pr-3 text-right">{u.running}</td>
                  <td className="py-1 pr-3 text-right">{u.chatting}</td>
                  <td className="py-1 pr-3 text-right">{u.queued}</td>
                  <td className="py-1 text-right">{u.waitingForQuota}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function RunsList({ runs }: { runs: readonly CapacityRunDto[] }) {
  return (
    <div className="flex flex-col gap-1">
      <h4 className="font-semibold text-stone-800">Runs</h4>
      {runs.length === 0 ? (
        <p className="text-stone-500">No agent run is running or waiting.</p>
      ) : (
        <ol className="divide-y divide-stone-100 rounded-md border border-stone-200" aria-label="Running and waiting runs">
          {runs.map((run) => (
            <RunRow key={run.runId} run={run} />
          ))}
        </ol>
      )}
    </div>
  );
}

function RunRow({ run }: { run: CapacityRunDto }) {
  const waiting = run.status === 'queued' || run.status === 'waiting_for_quota';
  const who = run.username ?? 'a deleted user';
  return (
    <li className="flex flex-col gap-1 px-3 py-2 sm:flex-row sm:items-center sm:gap-3" data-testid={`capacity-run-${run.runId}`}>
      <span className="flex w-36 shrink-0 items-center gap-1.5">
        {run.status === 'queued' ? (
          <Badge tone="stone">
            <Clock aria-hidden="true" size={12} />
            {queueMarker(run.status, run.queue)}
          </Badge>
        ) : run.status === 'waiting_for_quota' ? (
          <Badge tone="amber">
            <Hourglass aria-hidden="true" size={12} />
            Waiting for quota
          </Badge>
        ) : (
          <>
            <LiveDot label="Running" />
            <span className="text-xs font-medium text-sky-800">Running</span>
          </>
        )}
      </span>
      <div className="min-w-0 flex-1">
        <Link to={paths.task(run.projectId, run.taskId)} className="block truncate font-medium text-indigo-700 hover:underline">
          {run.taskTitle}
        </Link>
        <p className="text-xs text-stone-500">
          {AGENT_LABELS[run.agentType]} · {who} · {waiting ? 'queued' : 'started'} at{' '}
          <time dateTime={run.since}>{resumeTime(run.since)}</time>
          {waiting && ` · ${adminWaitText(run)}`}
        </p>
      </div>
    </li>
  );
}
