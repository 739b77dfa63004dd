import { ApiError, authMe, getAuthMeQueryKey, type IdentityDto, useAuthLogin, useAuthLogout } from '@itinera/sdk';
import { useQuery, useQueryClient } from '@tanstack/react-query';

export type Session = IdentityDto;
export type WorkspaceRole = IdentityDto['role'];

export const sessionQueryKey = getAuthMeQueryKey();

/** Resolves to the signed-in session, or `null` when the API answers 401 (not signed in). */
async function fetchSession({ signal }: { signal: AbortSignal }): Promise<Session | null> {
  try {
    return await authMe({ signal });
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
  return useAuthLogin({
    mutation: { onSuccess: (session) => queryClient.setQueryData(sessionQueryKey, session) },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useAuthLogout({
    mutation: {
      onSuccess: () => {
        queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueryKey[0] });
        queryClient.setQueryData(sessionQueryKey, null);
      },
    },
  });
}
