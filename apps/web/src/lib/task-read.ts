// Reading one task (GET /api/tasks/:taskId) for the screens that show it. The
// task goes to its own cache entry, which events keep current; the instance's
// iteration cap that comes with it is kept apart, for the pipeline strip's
// "Iteration n of max".
import { skipToken, useQuery, type QueryClient } from '@tanstack/react-query';
import type { TaskDto } from '@bottega/protocol';
import { api } from './api';
import { keys } from './keys';

export async function readTask(qc: QueryClient, taskId: number, signal?: AbortSignal): Promise<TaskDto> {
  const { task, maxIterations } = await api.get('/api/tasks/:taskId', { params: { taskId }, signal });
  qc.setQueryData(keys.maxIterations, maxIterations);
  return task;
}

/** The iteration cap, once a task was read; null before. */
export function useMaxIterations(): number | null {
  return useQuery<number>({ queryKey: keys.maxIterations, queryFn: skipToken, staleTime: Infinity }).data ?? null;
}
