/** Who may do what: `customer` signs up by itself, `store` is the clerk account the user service creates. */
export type Role = 'customer' | 'store';

export const ROLES: readonly Role[] = ['customer', 'store'];

/** The caller of a request, taken only from a verified access token. */
export interface AuthUser {
  id: string;
  role: Role;
}
