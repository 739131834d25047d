// Server state of the task screen: queries for the task, its project, runs,
// conversations, document and diff, and the event reducer for the caches this
// screen owns (the document and the diff change when a run ends).
import { useQuery } from '@tanstack/react-query';
import type { AgentRunDto, ConversationDto, ProjectDto, TaskDiffDto, TaskDto } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { onServerEvent } from '../../lib/live';

export interface TaskDocument {
  content: string;
  path: string;
}

onServerEvent((qc, event) => {
  // Agents write the document and the worktree; a finished run is when both settle.
  if (event.type === 'agent-run.updated' && event.run.status !== 'running' && event.run.status !== 'pending') {
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
    queryFn: async ({ signal }) => (await api.get<{ project: ProjectDto }>(`/api/projects/${projectId}`, undefined, signal)).project,
    enabled: projectId !== null,
    retry: false,
  });
}

export function useTaskQuery(taskId: number | null) {
  return useQuery({
    queryKey: keys.task(taskId ?? 0),
    queryFn: async ({ signal }) => (await api.get<{ task: TaskDto }>(`/api/tasks/${taskId}`, undefined, signal)).task,
    enabled: taskId !== null,
    retry: false,
  });
}

export function useTaskRuns(taskId: number) {
  return useQuery({
    queryKey: keys.taskRuns(taskId),
    queryFn: async ({ signal }) => (await api.get<{ runs: AgentRunDto[] }>(`/api/tasks/${taskId}/agent-runs`, undefined, signal)).runs,
  });
}

export function useTaskConversations(taskId: number) {
  return useQuery({
    queryKey: keys.taskConversations(taskId),
    queryFn: async ({ signal }) => (await api.get<{ conversations: ConversationDto[] }>(`/api/tasks/${taskId}/conversations`, undefined, signal)).conversations,
  });
}

export function fetchTaskDocument(taskId: number, signal?: AbortSignal): Promise<TaskDocument> {
  return api.get<TaskDocument>(`/api/tasks/${taskId}/document`, undefined, signal);
}

export function useTaskDocument(taskId: number) {
  return useQuery({ queryKey: keys.taskDocument(taskId), queryFn: ({ signal }) => fetchTaskDocument(taskId, signal) });
}

export function useTaskDiff(taskId: number) {
  return useQuery({
    queryKey: keys.taskDiff(taskId),
    queryFn: ({ signal }) => api.get<TaskDiffDto>(`/api/tasks/${taskId}/diff`, undefined, signal),
  });
}

/** Sorted newest first. */
export function newestFirst<T extends { id: number }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => b.id - a.id);
}
