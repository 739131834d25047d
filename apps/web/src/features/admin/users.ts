// The admin's view of accounts: the user list and the mutations on it. Every
// change refreshes the list; errors are the server's own sentences.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';

export function useAdminUsers() {
  return useQuery({ queryKey: keys.adminUsers, queryFn: () => api.get('/api/admin/users'), retry: false });
}

export type UserChange =
  | { kind: 'create'; username: string; password: string; isAdmin: boolean }
  | { kind: 'update'; userId: number; patch: { username?: string; isActive?: boolean; isAdmin?: boolean } }
  | { kind: 'password'; userId: number; password: string }
  | { kind: 'delete'; userId: number };

function send(change: UserChange): Promise<unknown> {
  switch (change.kind) {
    case 'create':
      return api.post('/api/admin/users', { body: { username: change.username, password: change.password, isAdmin: change.isAdmin } });
    case 'update':
      return api.patch('/api/admin/users/:userId', { params: { userId: change.userId }, body: change.patch });
    case 'password':
      return api.post('/api/admin/users/:userId/password', { params: { userId: change.userId }, body: { password: change.password } });
    case 'delete':
      return api.delete('/api/admin/users/:userId', { params: { userId: change.userId } });
  }
}

/** One mutation per form or button, so each shows its own pending state and error. */
export function useUserChange(onDone?: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: send,
    gcTime: 0,
    onSuccess: async () => {
      onDone?.();
      await qc.invalidateQueries({ queryKey: keys.adminUsers });
    },
  });
}
