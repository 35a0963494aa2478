import type { Sql } from '../sql.js'
import type { WebhookType } from '../../webhooks/types.js'

export type DepartmentGroups = Partial<Record<'technical' | 'commercial', string>>

/**
 * One helpdesk connection, secrets included: only the intake and the write-back read these. As stored,
 * secret, previous_secret and api_token are encrypted (src/integrations/integration-secrets.ts opens them).
 */
export interface IntegrationRow {
  id: string
  name: string
  type: WebhookType
  secret: string
  /** The secret before the last rotation, accepted as well until previous_secret_expires_at. */
  previous_secret: string | null
  previous_secret_expires_at: Date | null
  callback_url: string | null
  api_base_url: string | null
  api_token: string | null
  department_groups: DepartmentGroups
  created_at: Date
  updated_at: Date
}

export interface IntegrationFields {
  /** Chosen before the insert, as the encrypted secrets are bound to it. */
  id: string
  name: string
  type: WebhookType
  secret: string
  callbackUrl?: string | null | undefined
  apiBaseUrl?: string | null | undefined
  apiToken?: string | null | undefined
  departmentGroups?: DepartmentGroups | undefined
}

const columns =
  'id, name, type, secret, previous_secret, previous_secret_expires_at, callback_url, api_base_url, api_token, department_groups, created_at, updated_at'

/** Inserts; undefined when the name is taken (the caller answers 409). */
export async function insertIntegration(sql: Sql, fields: IntegrationFields): Promise<IntegrationRow | undefined> {
  const [row] = await sql.query<IntegrationRow>(
    `INSERT INTO integrations (id, name, type, secret, callback_url, api_base_url, api_token, department_groups)
     VALUES ($8, $1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (name) DO NOTHING RETURNING ${columns}`,
    [
      fields.name,
      fields.type,
      fields.secret,
      fields.callbackUrl ?? null,
      fields.apiBaseUrl ?? null,
      fields.apiToken ?? null,
      JSON.stringify(fields.departmentGroups ?? {}),
      fields.id,
    ],
  )
  return row
}

export function listIntegrations(sql: Sql): Promise<IntegrationRow[]> {
  return sql.query<IntegrationRow>(`SELECT ${columns} FROM integrations ORDER BY name`)
}

export async function findIntegrationByName(sql: Sql, name: string): Promise<IntegrationRow | undefined> {
  const [row] = await sql.query<IntegrationRow>(`SELECT ${columns} FROM integrations WHERE name = $1`, [name])
  return row
}

export async function findIntegration(sql: Sql, id: string): Promise<IntegrationRow | undefined> {
  const [row] = await sql.query<IntegrationRow>(`SELECT ${columns} FROM integrations WHERE id = $1`, [id])
  return row
}

/** The secret that stays valid beside the current one after a rotation, or null for none. */
export interface PreviousSecret {
  secret: string
  expiresAt: Date
}

/** Replaces the given fields (null clears an optional one); the type and name never change. */
export async function updateIntegration(
  sql: Sql,
  name: string,
  changes: Partial<Omit<IntegrationFields, 'id' | 'name' | 'type'>> & { previousSecret?: PreviousSecret | null | undefined },
): Promise<IntegrationRow | undefined> {
  const has = (key: keyof typeof changes) => Object.hasOwn(changes, key) && changes[key] !== undefined
  const [row] = await sql.query<IntegrationRow>(
    `UPDATE integrations SET
        secret = CASE WHEN $2 THEN $3 ELSE secret END,
        callback_url = CASE WHEN $4 THEN $5 ELSE callback_url END,
        api_base_url = CASE WHEN $6 THEN $7 ELSE api_base_url END,
        api_token = CASE WHEN $8 THEN $9 ELSE api_token END,
        department_groups = CASE WHEN $10 THEN $11::jsonb ELSE department_groups END,
        previous_secret = CASE WHEN $12 THEN $13 ELSE previous_secret END,
        previous_secret_expires_at = CASE WHEN $12 THEN $14::timestamptz ELSE previous_secret_expires_at END,
        updated_at = now()
      WHERE name = $1 RETURNING ${columns}`,
    [
      name,
      has('secret'),
      changes.secret ?? null,
      has('callbackUrl'),
      changes.callbackUrl ?? null,
      has('apiBaseUrl'),
      changes.apiBaseUrl ?? null,
      has('apiToken'),
      changes.apiToken ?? null,
      has('departmentGroups'),
      JSON.stringify(changes.departmentGroups ?? {}),
      changes.previousSecret !== undefined,
      changes.previousSecret?.secret ?? null,
      changes.previousSecret?.expiresAt ?? null,
    ],
  )
  return row
}

export async function deleteIntegration(sql: Sql, name: string): Promise<boolean> {
  const rows = await sql.query('DELETE FROM integrations WHERE name = $1 RETURNING id', [name])
  return rows.length > 0
}
