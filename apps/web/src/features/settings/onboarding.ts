// Marks the first-login onboarding done once the user connected a provider,
// and writes the updated user into the session.
import { useMutation } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { useMe, useSetSessionUser } from '../../app/session';

export function useCompleteOnboarding(): () => void {
  const me = useMe();
  const setUser = useSetSessionUser();
  const mark = useMutation({
    mutationFn: () => api.patch('/api/auth/profile', { body: { hasCompletedOnboarding: true } }),
    onSuccess: (res) => setUser(res.user),
  });
  return () => {
    if (!me.hasCompletedOnboarding && !mark.isPending) mark.mutate();
  };
}
