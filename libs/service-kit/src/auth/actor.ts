export const ROLES = ['director', 'manager', 'integrator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting, and in which organisation; taken from the verified bearer token. */
export interface Actor {
  personId: string;
  orgId: string;
  role: Role;
}
