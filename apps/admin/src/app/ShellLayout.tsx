import { NavLink, Outlet, useMatches, useNavigate } from 'react-router-dom';
import type { Session } from '../features/auth/useSession';
import { useLogout, useSession } from '../features/auth/useSession';

const NAVIGATION = [
  { to: '/journeys', label: 'Journeys' },
  { to: '/templates', label: 'Templates' },
  { to: '/profiles', label: 'Profiles' },
  { to: '/events', label: 'Events' },
  { to: '/messages', label: 'Messages' },
  { to: '/settings', label: 'Settings' },
  { to: '/audit', label: 'Audit log' },
] as const;

const ROLE_LABELS: Record<Session['role'], string> = { owner: 'Owner', editor: 'Editor', viewer: 'Viewer' };

/** The signed-in frame: navigation sidebar, workspace header, and the current page. */
export function ShellLayout() {
  const { data: session } = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  const matches = useMatches();
  const fullBleed = matches.some((match) => (match.handle as { fullBleed?: boolean } | undefined)?.fullBleed);
  const wide = matches.some((match) => (match.handle as { wide?: boolean } | undefined)?.wide);

  function signOut() {
    logout.mutate(undefined, { onSuccess: () => navigate('/login', { replace: true }) });
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main-content">
        Skip to content
      </a>
      <aside className="sidebar">
        <p className="brand">
          <span className="brand__mark" aria-hidden="true">
            I
          </span>{' '}
          Itinera
        </p>
        <nav aria-label="Main">
          <ul className="nav-list">
            {NAVIGATION.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} className="nav-link">
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <div className="shell__body">
        <header className="topbar">
          <div className="topbar__workspace">
            <span className="topbar__label">Workspace</span>
            <span className="topbar__workspace-name" data-testid="workspace-name">
              {session?.workspace.name}
            </span>
          </div>
          <div className="topbar__account">
            {logout.isError && (
              <span className="topbar__error" role="alert">
                Sign-out failed: {logout.error.message}
              </span>
            )}
            <span className="topbar__email" data-testid="user-email">
              {session?.user?.email}
            </span>
            {session && (
              <span className="role-badge" data-testid="user-role">
                {ROLE_LABELS[session.role] ?? session.role}
              </span>
            )}
            <button type="button" className="button" onClick={signOut} disabled={logout.isPending}>
              {logout.isPending ? 'Signing out…' : 'Sign out'}
            </button>
          </div>
        </header>
        <main id="main-content" className={fullBleed ? 'content content--full' : wide ? 'content content--wide' : 'content'} tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
