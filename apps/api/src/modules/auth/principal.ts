import type { WorkspaceRole } from './roles.js';

/** Who is calling, resolved by AuthGuard from a secret key or a session. Every query is scoped by `workspaceId`. */
export interface Principal {
  workspaceId: string;
  role: WorkspaceRole;
  via: 'api_key' | 'session';
  userId?: string;
  apiKeyId?: string;
  sessionId?: string;
}

export const SESSION_COOKIE = 'itinera_session';
