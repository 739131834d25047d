// Server state of the task screen: queries for the task, its project, runs,
// conversations, document and diff, and the event reducer for the caches this
// screen owns (the document and the diff change when a run ends).
import { skipToken, useQuery, useQueryClient } from '@tanstack/react-query';
import { isLiveRunStatus, type TaskDocumentResponse } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { onServerEvent } from '../../lib/live';
import { readTask } from '../../lib/task-read';

onServerEvent((qc, event) => {
  // Agents write the document and the worktree; a finished run is when both settle.
  if (event.type === 'agent-run.updated' && !isLiveRunStatus(event.run.status)) {
    void qc.invalidateQueries({ queryKey: keys.taskDocument(event.taskId) });
    void qc.invalidateQueries({ queryKey: keys.taskDiff(event.taskId) });
  }
  if (event.type === 'task.updated' && event.task.workspaceStatus === 'ready') {
    void qc.invalidateQueries({ queryKey: keys.taskDiff(event.taskId) });
  }
});

export function useProject(projectId: number | null) {
  return useQuery({
    queryKey: keys.project(projectId ?? 0),
    queryFn:
      projectId === null
        ? skipToken
        : async ({ signal }) => (await api.get('/api/projects/:projectId', { params: { projectId }, signal })).project,
    retry: false,
  });
}

export function useTaskQuery(taskId: number | null) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: keys.task(taskId ?? 0),
    queryFn: taskId === null ? skipToken : ({ signal }) => readTask(qc, taskId, signal),
    retry: false,
  });
}

export function useTaskRuns(taskId: number) {
  return useQuery({
    queryKey: keys.taskRuns(taskId),
    queryFn: async ({ signal }) => (await api.get('/api/tasks/:taskId/agent-runs', { params: { taskId }, signal })).runs,
  });
}

export function useTaskConversations(taskId: number) {
  return useQuery({
    queryKey: keys.taskConversations(taskId),
    queryFn: async ({ signal }) => (await api.get('/api/tasks/:taskId/conversations', { params: { taskId }, signal })).conversations,
  });
}

export function fetchTaskDocument(taskId: number, signal?: AbortSignal): Promise<TaskDocumentResponse> {
  return api.get('/api/tasks/:taskId/document', { params: { taskId }, signal });
}

export function useTaskDocument(taskId: number) {
  return useQuery({ queryKey: keys.taskDocument(taskId), queryFn: ({ signal }) => fetchTaskDocument(taskId, signal) });
}

export function useTaskDiff(taskId: number) {
  return useQuery({
    queryKey: keys.taskDiff(taskId),
    queryFn: ({ signal }) => api.get('/api/tasks/:taskId/diff', { params: { taskId }, signal }),
  });
}

/** Sorted newest first. */
export function newestFirst<T extends { id: number }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => b.id - a.id);
}
