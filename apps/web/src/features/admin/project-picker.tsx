// The admin screen's project chooser: every project (admins see all), one
// selected at a time, and the panel for it below. Shared by the memberships
// panel and the sandbox's per-project hosts.
import { useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { ErrorState, LoadingState } from '../../ui';

/** Admins see every project; kept apart from the dashboard's cache entry. */
const allProjectsKey = ['admin', 'projects'] as const;

export function ProjectPicker({ label, empty, children }: { label: string; empty: ReactNode; children: (projectId: number) => ReactNode }) {
  const projects = useQuery({ queryKey: allProjectsKey, queryFn: () => api.get('/api/projects') });
  const [chosen, setChosen] = useState<number | null>(null);
  if (projects.isPending) return <LoadingState />;
  if (projects.isError) return <ErrorState error={projects.error} retry={() => void projects.refetch()} />;
  const list = projects.data.projects;
  if (list.length === 0) return <>{empty}</>;
  const projectId = chosen !== null && list.some((p) => p.id === chosen) ? chosen : list[0]!.id;
  return (
    <div className="flex flex-col gap-3">
      <label className="flex flex-col gap-1 text-sm sm:max-w-sm">
        <span className="font-medium text-stone-700">{label}</span>
        <select
          className="rounded-md border border-stone-300 px-2 py-1.5"
          value={projectId}
          onChange={(e) => setChosen(Number(e.target.value))}
          aria-label={label}
        >
          {list.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      {children(projectId)}
    </div>
  );
}
