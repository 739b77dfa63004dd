import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, http } from '../../api/http';

export type WorkspaceRole = 'owner' | 'editor' | 'viewer';

export interface Session {
  user: { id: string; email: string };
  workspace: { id: string; name: string };
  role: WorkspaceRole;
  via?: string;
}

export interface Credentials {
  email: string;
  password: string;
}

export const sessionQueryKey = ['auth', 'session'] as const;

/** Resolves to the signed-in session, or `null` when the API answers 401 (not signed in). */
async function fetchSession({ signal }: { signal: AbortSignal }): Promise<Session | null> {
  try {
    return await http<Session>('/api/auth/me', { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function useSession() {
  return useQuery({
    queryKey: sessionQueryKey,
    queryFn: fetchSession,
    staleTime: 5 * 60_000,
    retry: (failureCount, error) => !(error instanceof ApiError && error.status < 500) && failureCount < 2,
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: Credentials) => http<Session>('/api/auth/login', { method: 'POST', body: credentials }),
    onSuccess: (session) => queryClient.setQueryData(sessionQueryKey, session),
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => http<void>('/api/auth/logout', { method: 'POST' }),
    onSuccess: () => {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueryKey[0] });
      queryClient.setQueryData(sessionQueryKey, null);
    },
  });
}
