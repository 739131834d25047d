// URL conventions: ids in URLs are database row ids; a missing (or foreign)
// id sends the user one level up instead of showing a dead page.
import { useEffect } from 'react';
import { useNavigate, useParams } from 'react-router';
import { isApiError } from './api';

export const paths = {
  dashboard: () => '/',
  inbox: () => '/inbox',
  board: (projectId: number) => `/projects/${projectId}`,
  task: (projectId: number, taskId: number) => `/projects/${projectId}/tasks/${taskId}`,
  chat: (projectId: number, taskId: number, conversationId: number) => `/projects/${projectId}/tasks/${taskId}/chat/${conversationId}`,
  settings: (section?: string) => (section ? `/settings/${section}` : '/settings'),
  admin: () => '/admin',
};

/** A numeric route parameter, or null when absent or not a positive integer. */
export function useIdParam(name: string): number | null {
  const raw = useParams()[name];
  if (!raw || !/^[1-9][0-9]{0,15}$/.test(raw)) return null;
  return Number(raw);
}

/**
 * Redirects to `to` when the id is malformed or a query for it answered
 * 404/403 — the thing does not exist or is not visible to this user.
 */
export function useRedirectWhenMissing(id: number | null, error: unknown, to: string): void {
  const navigate = useNavigate();
  const missing = id === null || isApiError(error, 'NOT_FOUND') || isApiError(error, 'FORBIDDEN');
  useEffect(() => {
    if (missing) void navigate(to, { replace: true, state: { notice: 'That page no longer exists or is not shared with you.' } });
  }, [missing, navigate, to]);
}
