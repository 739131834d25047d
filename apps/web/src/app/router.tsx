// The route table. Screens load lazily so the first paint only carries the
// shell; the markdown editor and the diff view are split further inside them.
import { createBrowserRouter, isRouteErrorResponse, Navigate, RouterProvider, useRouteError } from 'react-router';
import { useAuthStatus, SessionProvider } from './session';
import { Shell } from './shell';
import { LoginScreen, SetupScreen } from '../features/auth/auth-screens';
import { ErrorState, LoadingState } from '../ui';
import { screens } from '../lib/chunks';

const router = createBrowserRouter([
  {
    element: <Shell />,
    errorElement: <RouteError />,
    children: [
      { index: true, lazy: screens.dashboard },
      { path: 'inbox', lazy: screens.inbox },
      { path: 'projects/:projectId', lazy: screens.board },
      { path: 'projects/:projectId/tasks/:taskId', lazy: screens.task },
      { path: 'projects/:projectId/tasks/:taskId/chat/:conversationId', lazy: screens.chat },
      { path: 'settings/:section?/*', lazy: screens.settings },
      { path: 'admin/*', lazy: screens.admin },
      { path: 'login', element: <Navigate to="/" replace /> },
      { path: '*', element: <Navigate to="/" replace /> },
    ],
  },
]);

function RouteError() {
  const error = useRouteError();
  const detail =
    error instanceof Error ? error.message : isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : String(error);
  return (
    <div className="mx-auto max-w-xl p-6">
      <ErrorState error={new Error(`This page failed to load (${detail}). Reload to try again.`)} retry={() => window.location.reload()} />
    </div>
  );
}

/** Setup while no user exists, login while logged out, the app otherwise. */
export function App() {
  const status = useAuthStatus();
  if (status.isPending) return <LoadingState label="Starting…" />;
  // A failed re-check (server restarting) keeps the app on what it last knew.
  if (!status.data)
    return (
      <div className="mx-auto max-w-xl p-6">
        <ErrorState error={status.error ?? new Error('The server cannot be reached.')} retry={() => void status.refetch()} />
      </div>
    );
  const { needsSetup, user } = status.data;
  if (needsSetup) return <SetupScreen />;
  if (!user) return <LoginScreen />;
  return (
    <SessionProvider user={user}>
      <RouterProvider router={router} />
    </SessionProvider>
  );
}
