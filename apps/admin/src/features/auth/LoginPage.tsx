import { ApiError } from '@itinera/sdk';
import { type FormEvent, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useLogin, useSession } from './useSession';

const DEFAULT_DESTINATION = '/journeys';

/** Where to go after signing in: the page that sent the visitor here, if it was one of ours. */
function destinationFrom(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  if (typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && from !== '/login' && from !== '/') {
    return from;
  }
  return DEFAULT_DESTINATION;
}

function loginErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return error.message || 'The email or password is incorrect.';
    if (error.status === 429) return 'Too many sign-in attempts. Wait a moment and try again.';
    if (error.status >= 500) return 'Itinera could not sign you in because of a server error. Try again shortly.';
    return error.message;
  }
  return 'Itinera could not be reached. Check your connection and try again.';
}

export function LoginPage() {
  const session = useSession();
  const login = useLogin();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const destination = destinationFrom(location.state);

  if (session.data && !login.isPending) return <Navigate to={destination} replace />;
  if (session.isPending) {
    return (
      <div className="splash" role="status">
        Loading Itinera…
      </div>
    );
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    login.mutate({ data: { email: email.trim(), password } }, { onSuccess: () => navigate(destination, { replace: true }) });
  }

  const error = login.isError ? loginErrorMessage(login.error) : null;

  return (
    <main className="auth-page">
      <title>Sign in · Itinera</title>
      <div className="auth-card">
        <p className="brand brand--dark" aria-hidden="true">
          <span className="brand__mark">I</span> Itinera
        </p>
        <h1>Sign in to Itinera</h1>
        <p className="muted">Use the email and password of your workspace account.</p>
        <form className="form" onSubmit={submit}>
          <div className="field">
            <label htmlFor="login-email">Email</label>
            <input
              id="login-email"
              name="email"
              type="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">Password</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </div>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button button--primary button--block" disabled={login.isPending}>
            {login.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
