// The route table. Screens load lazily so the first paint only carries the
// shell; the markdown editor and the diff view are split further inside them.
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { useAuthStatus, SessionProvider } from './session';
import { Shell } from './shell';
import { LoginScreen, SetupScreen } from '../features/auth/auth-screens';
import { ErrorState, LoadingState } from '../ui';

const router = createBrowserRouter([
  {
    element: <Shell />,
    errorElement: <RouteError />,
    children: [
      { index: true, lazy: () => import('../features/dashboard/dashboard-screen') },
      { path: 'projects/:projectId', lazy: () => import('../features/board/board-screen') },
      { path: 'projects/:projectId/tasks/:taskId', lazy: () => import('../features/task/task-screen') },
      { path: 'projects/:projectId/tasks/:taskId/chat/:conversationId', lazy: () => import('../features/chat/chat-screen') },
      { path: 'settings/:section?/*', lazy: () => import('../features/settings/settings-screen') },
      { path: 'admin/*', lazy: () => import('../features/admin/admin-screen') },
      { path: 'login', element: <Navigate to="/" replace /> },
      { path: '*', element: <Navigate to="/" replace /> },
    ],
  },
]);

function RouteError() {
  return (
    <div className="mx-auto max-w-xl p-6">
      <ErrorState error={new Error('This page failed to load. Reload to try again.')} retry={() => window.location.reload()} />
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
