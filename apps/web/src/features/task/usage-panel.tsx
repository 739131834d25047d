// The task page's "Usage" panel: tokens and cost per agent role and for the
// whole task (the server's SQL sums of its runs), with manual chats apart.
// Refreshed whenever a run of the task changes.
import { useQuery } from '@tanstack/react-query';
import type { TaskUsageDto, UsageTotalsDto } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { onServerEvent } from '../../lib/live';
import { EmptyState, ErrorState, LoadingState } from '../../ui';
import { ROLE_LABELS } from './agent-state';
import { formatCost, formatTokens, totalTokens, usageDetail } from './usage-format';

onServerEvent((qc, event) => {
  if (event.type === 'agent-run.updated' || event.type === 'streaming.ended') {
    void qc.invalidateQueries({ queryKey: keys.taskUsage(event.taskId) });
  }
});

export function useTaskUsage(taskId: number) {
  return useQuery({
    queryKey: keys.taskUsage(taskId),
    queryFn: async ({ signal }) => (await api.get('/api/tasks/:taskId/usage', { params: { taskId }, signal })).usage,
  });
}

function Row({ label, usage, strong = false }: { label: string; usage: UsageTotalsDto; strong?: boolean }) {
  return (
    <tr className={strong ? 'border-t border-stone-200 font-semibold' : ''} title={usageDetail(usage)}>
      <th scope="row" className="py-1 pr-3 text-left font-normal">
        {strong ? <strong>{label}</strong> : label}
      </th>
      <td className="py-1 pr-3 text-right tabular-nums">
        {formatTokens(usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens)}
      </td>
      <td className="py-1 pr-3 text-right tabular-nums">{formatTokens(usage.outputTokens)}</td>
      <td className={`py-1 text-right tabular-nums ${usage.costUsd === null ? 'text-stone-500 italic' : ''}`}>
        {formatCost(usage.costUsd)}
      </td>
    </tr>
  );
}

export function UsageTable({ usage }: { usage: TaskUsageDto }) {
  if (usage.byRole.length === 0 && totalTokens(usage.chats) === 0) return <EmptyState title="No tokens used yet" />;
  return (
    <table className="w-full text-sm" aria-label="Token usage">
      <thead>
        <tr className="text-xs text-stone-500">
          <th scope="col" className="pb-1 text-left font-normal">
            Role
          </th>
          <th scope="col" className="pb-1 pr-3 text-right font-normal">
            Input
          </th>
          <th scope="col" className="pb-1 pr-3 text-right font-normal">
            Output
          </th>
          <th scope="col" className="pb-1 text-right font-normal">
            Cost
          </th>
        </tr>
      </thead>
      <tbody>
        {usage.byRole.map((r) => (
          <Row key={r.agentType} label={`${ROLE_LABELS[r.agentType]} (${r.runs} ${r.runs === 1 ? 'run' : 'runs'})`} usage={r.usage} />
        ))}
        <Row label="Task total" usage={usage.total} strong />
        {totalTokens(usage.chats) > 0 && <Row label="Manual chats" usage={usage.chats} />}
      </tbody>
    </table>
  );
}

export function UsagePanel({ taskId }: { taskId: number }) {
  const usage = useTaskUsage(taskId);
  return (
    <section aria-labelledby="usage-heading" className="rounded-lg border border-stone-200 bg-white p-4">
      <h2 id="usage-heading" className="mb-3 text-lg font-semibold">
        Usage
      </h2>
      {usage.isPending ? (
        <LoadingState label="Loading usage…" />
      ) : usage.isError ? (
        <ErrorState error={usage.error} retry={() => void usage.refetch()} />
      ) : (
        <UsageTable usage={usage.data} />
      )}
      <p className="mt-2 text-xs text-stone-500">
        Input counts cached tokens too. “no price”: a model without a price in the admin’s price table.
      </p>
    </section>
  );
}
