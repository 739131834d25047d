// A project card's usage line on the dashboard: the sum of every agent run of
// the project (tokens and cost), refreshed when a run of it changes.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { onServerEvent } from '../../lib/live';
import { usageDetail, usageSummary } from '../task/usage-format';

onServerEvent((qc, event) => {
  if (event.type === 'agent-run.updated' && event.run.status !== 'running' && event.run.status !== 'pending') {
    void qc.invalidateQueries({ queryKey: keys.projectUsage(event.projectId) });
  }
});

export function ProjectUsage({ projectId }: { projectId: number }) {
  const usage = useQuery({
    queryKey: keys.projectUsage(projectId),
    queryFn: async ({ signal }) => (await api.get('/api/projects/:projectId/usage', { params: { projectId }, signal })).usage,
  });
  if (!usage.data) return null;
  return (
    <p
      className="mt-2 text-xs tabular-nums text-stone-600"
      data-testid={`project-usage-${projectId}`}
      title={usageDetail(usage.data.total)}
    >
      Agents: {usageSummary(usage.data.total)}
    </p>
  );
}
