import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useSession } from './useSession';

/** Renders its children for a signed-in user; sends everyone else to the login page. */
export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();

  if (session.isPending) {
    return (
      <div className="splash" role="status">
        Loading Itinera…
      </div>
    );
  }
  if (session.isError) {
    return (
      <main className="auth-page">
        <div className="auth-card" role="alert">
          <h1>Itinera is not reachable</h1>
          <p className="muted">{session.error.message}</p>
          <button type="button" className="button button--primary" onClick={() => void session.refetch()}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (!session.data) {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  return children;
}
