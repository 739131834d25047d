// The admin screen's project chooser: every project (admins see all), one
// selected at a time, and the panel for it below. Shared by the memberships
// panel and the sandbox's per-project hosts.
import { useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { ErrorState, LoadingState, Select } from '../../ui';

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
      <Select
        label={label}
        className="sm:max-w-sm"
        value={String(projectId)}
        options={list.map((p) => ({ value: String(p.id), label: p.name }))}
        onValueChange={(id) => setChosen(Number(id))}
      />
      {children(projectId)}
    </div>
  );
}
