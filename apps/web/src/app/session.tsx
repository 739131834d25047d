// Who is logged in. The auth status query is the single source: login,
// setup and logout write it; any 401 from the API (expired or revoked
// session) clears it, which sends the app back to the login screen.
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { UserDto, AuthStatusResponse } from '@bottega/protocol';
import { api, onUnauthenticated } from '../lib/api';
import { keys } from '../lib/keys';
import { connectLive } from '../lib/live';
import { prefetchChunks } from '../lib/chunks';

const SessionContext = createContext<UserDto | null>(null);

export function useAuthStatus() {
  return useQuery({ queryKey: keys.authStatus, queryFn: () => api.get('/api/auth/status'), staleTime: 60_000, retry: 1 });
}

/** The logged-in user; only valid inside the authenticated part of the app. */
export function useMe(): UserDto {
  const user = useContext(SessionContext);
  if (!user) throw new Error('useMe outside an authenticated screen');
  return user;
}

/** Writes a freshly logged-in (or updated) user into the cache. */
export function useSetSessionUser(): (user: UserDto | null) => void {
  const qc = useQueryClient();
  return (user) => {
    if (!user) {
      qc.setQueryData<AuthStatusResponse>(keys.authStatus, { needsSetup: false, authenticated: false, user: null });
      // Nothing of the previous user's data may survive into the next login.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.authStatus[0] });
      return;
    }
    qc.setQueryData<AuthStatusResponse>(keys.authStatus, { needsSetup: false, authenticated: true, user });
  };
}

/** Provides the user and keeps the live connection open while logged in. */
export function SessionProvider({ user, children }: { user: UserDto; children: ReactNode }) {
  const qc = useQueryClient();
  const setUser = useSetSessionUser();
  useEffect(() => connectLive(qc), [qc, user.id]);
  useEffect(() => prefetchChunks(), []);
  useEffect(() => onUnauthenticated(() => setUser(null)), [setUser]);
  return <SessionContext.Provider value={user}>{children}</SessionContext.Provider>;
}
