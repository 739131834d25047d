// The frame around every authenticated screen: the top bar (brand, the main
// navigation with the inbox's live count, search, the live-connection
// indicator, the account menu), the command palette and the keyboard
// shortcuts (docs/behaviour/web-app.md#the-top-bar). On a phone the navigation
// is a second row of four equal tabs, so every destination stays in view.
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { Anvil, Inbox, Keyboard, LayoutGrid, LogOut, Search, Settings, ShieldCheck } from 'lucide-react';
import { api } from '../lib/api';
import { components } from '../lib/chunks';
import { useConnectionState } from '../lib/live';
import { paths } from '../lib/routing';
import { isMac, useShortcuts } from '../lib/shortcuts';
import { UserMenu, UserMenuItem, UserMenuSeparator } from '../ui';
import { useMe, useSetSessionUser } from './session';
import { ShortcutsOverlay } from './shortcuts-overlay';
import { ProviderGate } from '../features/settings/provider-gate';
import { useInboxNotifications, useLiveInbox } from '../features/inbox/inbox-live';

const CommandPalette = lazy(components.commandPalette);

function navClass(isActive: boolean) {
  return `relative flex min-w-0 flex-col items-center gap-0.5 rounded-md px-1 py-1 text-[11px] font-medium whitespace-nowrap outline-none focus-visible:ring-2 focus-visible:ring-indigo-400 sm:flex-row sm:gap-1.5 sm:px-2.5 sm:py-1.5 sm:text-sm ${
    isActive ? 'bg-stone-700 text-white' : 'text-stone-300 hover:bg-stone-800 hover:text-white'
  }`;
}

function NavItem({ to, icon, label, active, badge }: { to: string; icon: ReactNode; label: string; active?: boolean; badge?: number }) {
  const name = badge ? `${label}, ${badge} waiting` : label;
  return (
    <NavLink
      to={to}
      aria-label={name}
      className={({ isActive }) => navClass(active ?? isActive)}
      {...(active !== undefined ? { 'aria-current': active ? ('page' as const) : undefined } : {})}
    >
      <span aria-hidden className="[&>svg]:h-5 [&>svg]:w-5 sm:[&>svg]:h-4 sm:[&>svg]:w-4">
        {icon}
      </span>
      <span className="flex items-center gap-1">
        {/* The space keeps the count a word of the visible text, which the link's name must contain. */}
        {label}
        {badge ? ' ' : null}
        {badge ? (
          <span className="inline-flex min-w-4 items-center justify-center rounded-full bg-amber-400 px-1 text-[10px] leading-4 font-semibold text-stone-900 sm:min-w-5 sm:px-1.5 sm:text-xs">
            {badge}
          </span>
        ) : null}
      </span>
    </NavLink>
  );
}

/** The project the current URL is inside (its board, a task, a chat), else null. */
function projectOf(pathname: string): number | null {
  const m = /^\/projects\/([1-9][0-9]*)(?:\/|$)/.exec(pathname);
  return m ? Number(m[1]) : null;
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
  // The palette's code loads the first time it opens (or ahead, when the browser is idle).
  const [palette, setPalette] = useState<'never' | 'open' | 'closed'>('never');
  const [help, setHelp] = useState(false);
  const openPalette = () => setPalette('open');
  const logout = useMutation({
    mutationFn: () => api.post('/api/auth/logout'),
    onSettled: () => {
      setUser(null);
      void navigate('/', { replace: true });
    },
  });

  useShortcuts(
    {
      search: openPalette,
      help: () => setHelp(true),
      newTask: () => {
        const projectId = projectOf(pathname);
        // Outside a project, search is where a project is picked.
        if (projectId === null) openPalette();
        else void navigate(`${paths.board(projectId)}?new=task`);
      },
      goProjects: () => void navigate(paths.dashboard()),
      goInbox: () => void navigate(paths.inbox()),
      goSettings: () => void navigate(paths.settings()),
      goAdmin: () => void navigate(paths.admin()),
    },
    me,
  );

  const live = connection === 'open' ? 'Live updates connected' : 'Live updates reconnecting';
  return (
    <div className="flex min-h-screen flex-col">
      <header className="sticky top-0 z-40 border-b border-stone-800 bg-stone-900 text-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-2 gap-y-1 px-3 py-1.5 sm:flex-nowrap sm:gap-x-3 sm:px-6 sm:py-2">
          <Link
            to="/"
            className="mr-auto flex items-center gap-2 rounded-md py-1 pr-1 font-semibold tracking-tight outline-none focus-visible:ring-2 focus-visible:ring-indigo-400 sm:mr-1"
          >
            <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-indigo-500 text-white">
              <Anvil className="h-4 w-4" />
            </span>
            Bottega
          </Link>
          <nav
            aria-label="Main"
            className="order-last grid w-full auto-cols-fr grid-flow-col gap-1 sm:order-none sm:flex sm:w-auto sm:flex-1"
          >
            <NavItem to={paths.dashboard()} icon={<LayoutGrid />} label="Projects" active={inProjects} />
            <NavItem to={paths.inbox()} icon={<Inbox />} label="Inbox" badge={waiting} />
            <NavItem to={paths.settings()} icon={<Settings />} label="Settings" />
            {me.isAdmin && <NavItem to={paths.admin()} icon={<ShieldCheck />} label="Admin" />}
          </nav>
          <button
            type="button"
            onClick={openPalette}
            aria-label="Search"
            aria-keyshortcuts="/ Control+K Meta+K"
            title="Search tasks, projects and screens (/)"
            className="flex items-center gap-2 rounded-md p-2 text-sm text-stone-300 outline-none hover:bg-stone-800 hover:text-white focus-visible:ring-2 focus-visible:ring-indigo-400 sm:w-56 sm:border sm:border-stone-700 sm:bg-stone-800/60 sm:px-2.5 sm:py-1.5"
          >
            <Search aria-hidden className="h-4 w-4 shrink-0" />
            <span className="hidden flex-1 text-left sm:inline">Search…</span>
            <kbd aria-hidden className="hidden rounded border border-stone-600 px-1.5 font-mono text-xs text-stone-400 sm:inline">
              {isMac() ? '⌘K' : '/'}
            </kbd>
          </button>
          <span
            role="img"
            className={`mx-1 h-2 w-2 shrink-0 rounded-full ${connection === 'open' ? 'bg-green-400' : connection === 'connecting' ? 'bg-amber-400' : 'bg-red-500'}`}
            title={connection === 'open' ? live : `${live}…`}
            aria-label={live}
            data-connection={connection}
          />
          <UserMenu username={me.username}>
            <UserMenuItem icon={<Settings />} onSelect={() => void navigate(paths.settings())}>
              Settings
            </UserMenuItem>
            <UserMenuItem icon={<Keyboard />} hint="?" onSelect={() => setHelp(true)}>
              Keyboard shortcuts
            </UserMenuItem>
            <UserMenuSeparator />
            <UserMenuItem icon={<LogOut />} onSelect={() => logout.mutate()}>
              Log out
            </UserMenuItem>
          </UserMenu>
        </div>
      </header>
      <main className="mx-auto w-full max-w-7xl flex-1 px-3 py-4 sm:px-6 sm:py-6">
        <Outlet />
      </main>
      <ProviderGate />
      {palette !== 'never' && (
        <Suspense fallback={null}>
          <CommandPalette open={palette === 'open'} onOpenChange={(open) => setPalette(open ? 'open' : 'closed')} />
        </Suspense>
      )}
      {help && <ShortcutsOverlay isAdmin={me.isAdmin} onClose={() => setHelp(false)} />}
    </div>
  );
}
