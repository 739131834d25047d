// The frame around every authenticated screen: top bar with navigation, the
// live-connection indicator and the user menu.
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { api } from '../lib/api';
import { useConnectionState } from '../lib/live';
import { useMe, useSetSessionUser } from './session';
import { ProviderGate } from '../features/settings/provider-gate';
import { useInboxNotifications, useLiveInbox } from '../features/inbox/inbox-live';

function navClass({ isActive }: { isActive: boolean }) {
  return `whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium ${isActive ? 'bg-stone-700 text-white' : 'text-stone-300 hover:bg-stone-700 hover:text-white'}`;
}

export function Shell() {
  const me = useMe();
  const setUser = useSetSessionUser();
  const navigate = useNavigate();
  const connection = useConnectionState();
  const { pathname } = useLocation();
  const inProjects = pathname === '/' || pathname.startsWith('/projects/');
  const inbox = useLiveInbox();
  const waiting = inbox.data?.length ?? 0;
  useInboxNotifications(inbox.data, navigate);
  const logout = useMutation({
    mutationFn: () => api.post('/api/auth/logout'),
    onSettled: () => {
      setUser(null);
      void navigate('/', { replace: true });
    },
  });
  return (
    <div className="flex min-h-screen flex-col">
      <header className="sticky top-0 z-40 bg-stone-900 text-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 sm:px-6">
          <Link to="/" className="mr-auto font-semibold tracking-tight sm:mr-2">
            Bottega
          </Link>
          <nav className="order-last flex w-full items-center gap-1 overflow-x-auto sm:order-none sm:w-auto sm:flex-1" aria-label="Main">
            <NavLink to="/" className={() => navClass({ isActive: inProjects })} aria-current={inProjects ? 'page' : undefined}>
              Projects
            </NavLink>
            <NavLink to="/inbox" className={navClass} aria-label={waiting > 0 ? `Inbox, ${waiting} waiting` : 'Inbox'}>
              {/* The space keeps the count a word of the visible name, which the label must contain. */}
              Inbox{' '}
              {waiting > 0 && (
                <span className="ml-0.5 inline-flex min-w-5 items-center justify-center rounded-full bg-amber-400 px-1.5 text-xs font-semibold text-stone-900">
                  {waiting}
                </span>
              )}
            </NavLink>
            <NavLink to="/settings" className={navClass}>
              Settings
            </NavLink>
            {me.isAdmin && (
              <NavLink to="/admin" className={navClass}>
                Admin
              </NavLink>
            )}
          </nav>
          <span
            role="img"
            className={`h-2 w-2 rounded-full ${connection === 'open' ? 'bg-green-400' : connection === 'connecting' ? 'bg-amber-400' : 'bg-red-500'}`}
            title={connection === 'open' ? 'Live updates connected' : 'Live updates reconnecting…'}
            aria-label={connection === 'open' ? 'Live updates connected' : 'Live updates reconnecting'}
            data-connection={connection}
          />
          <span className="text-sm text-stone-300" data-testid="current-user">
            {me.username}
          </span>
          <button
            type="button"
            className="rounded-md px-2 py-1 text-sm text-stone-300 hover:bg-stone-700 hover:text-white"
            onClick={() => logout.mutate()}
          >
            Log out
          </button>
        </div>
      </header>
      <main className="mx-auto w-full max-w-7xl flex-1 px-3 py-4 sm:px-6 sm:py-6">
        <Outlet />
      </main>
      <ProviderGate />
    </div>
  );
}
