/** Who may call what. `integration` is a helpdesk's machine key; people are agents, leads and admins. */
export const roles = ['integration', 'agent', 'lead', 'admin'] as const
export type Role = (typeof roles)[number]

/** The authenticated caller of one request. */
export interface Principal {
  keyId: string
  name: string
  role: Role
}
