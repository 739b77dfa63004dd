export const WORKSPACE_ROLES = ['viewer', 'editor', 'owner'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** True when `held` grants at least what `needed` requires (owner > editor > viewer). */
export function roleSatisfies(held: WorkspaceRole, needed: WorkspaceRole): boolean {
  return WORKSPACE_ROLES.indexOf(held) >= WORKSPACE_ROLES.indexOf(needed);
}
