import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Navigate, RouterProvider, createBrowserRouter } from 'react-router-dom';
import { LoginPage } from '../features/auth/LoginPage';
import { RequireSession } from '../features/auth/RequireSession';
import { EditorPage } from '../features/journeys/canvas/EditorPage';
import { RunPage } from '../features/journeys/canvas/runs/RunPage';
import { JourneysPage } from '../features/journeys/list/JourneysPage';
import { AuditPage } from '../features/audit/AuditPage';
import { MessagePage } from '../features/messages/MessagePage';
import { MessagesPage } from '../features/messages/MessagesPage';
import { EventsPage } from '../features/events/EventsPage';
import { ProfilePage } from '../features/profiles/ProfilePage';
import { ProfilesPage } from '../features/profiles/ProfilesPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { TemplateEditorPage } from '../features/templates/TemplateEditorPage';
import { TemplatesPage } from '../features/templates/TemplatesPage';
import { Toasts } from '../components/toast';
import { ShellLayout } from './ShellLayout';

function NotFoundPage() {
  return (
    <>
      <title>Page not found · Itinera</title>
      <header className="page-header">
        <h1>Page not found</h1>
      </header>
      <section className="empty-state">
        <p>There is no page at this address.</p>
        <Link className="button" to="/journeys">
          Go to journeys
        </Link>
      </section>
    </>
  );
}

export function createAdminRouter() {
  return createBrowserRouter([
    { path: '/login', element: <LoginPage /> },
    {
      path: '/',
      element: (
        <RequireSession>
          <ShellLayout />
        </RequireSession>
      ),
      children: [
        { index: true, element: <Navigate to="/journeys" replace /> },
        { path: 'journeys', element: <JourneysPage /> },
        { path: 'journeys/:id', element: <EditorPage />, handle: { fullBleed: true } },
        { path: 'journeys/:id/versions/:version', element: <EditorPage />, handle: { fullBleed: true } },
        { path: 'runs/:runId', element: <RunPage />, handle: { fullBleed: true } },
        { path: 'templates', element: <TemplatesPage /> },
        { path: 'templates/:key', element: <TemplateEditorPage />, handle: { wide: true } },
        { path: 'profiles', element: <ProfilesPage /> },
        { path: 'profiles/:userId', element: <ProfilePage /> },
        { path: 'events', element: <EventsPage /> },
        { path: 'messages', element: <MessagesPage /> },
        { path: 'messages/:id', element: <MessagePage /> },
        { path: 'settings/:section?', element: <SettingsPage /> },
        { path: 'audit', element: <AuditPage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}

export function createAdminQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

export function App() {
  const [queryClient] = useState(createAdminQueryClient);
  const [router] = useState(createAdminRouter);
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      <Toasts />
    </QueryClientProvider>
  );
}
