import { z } from 'zod'
import type { Clock } from '../clock.js'
import { AppError } from '../errors.js'
import type { Sql } from '../storage/sql.js'
import * as queries from '../storage/queries/api-keys.js'
import { constantTimeEqual, randomToken, sha256Hex } from './crypto.js'
import { roles, type Principal, type Role } from './roles.js'

/** A key to create, as the API and `npm run keys` take it: one schema, so both refuse the same input. */
export const ApiKeyInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200).meta({ example: 'Zammad production' }),
    role: z.enum(roles).meta({ example: 'integration' }),
  })
  .strict()

/** The name under which ADMIN_API_KEY is stored; a changed variable revokes the previous one. */
export const bootstrapKeyName = 'bootstrap admin (ADMIN_API_KEY)'
const generatedKeyName = 'bootstrap admin (generated at first start)'
const lookupLength = 16

export interface ApiKeyView {
  id: string
  name: string
  role: Role
  createdAt: string
  revokedAt: string | null
}

export interface CreatedApiKey extends ApiKeyView {
  /** The key itself: returned once, at creation, and never stored. */
  key: string
}

interface KeyDeps {
  sql: Sql
  clock: Clock
}

async function fingerprint(key: string) {
  const hash = await sha256Hex(key)
  return { hash, lookup: hash.slice(0, lookupLength) }
}

function toView(row: queries.ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at ? row.revoked_at.toISOString() : null,
  }
}

export function generateApiKey(): string {
  return `itk_${randomToken(32)}`
}

export async function createApiKey(deps: KeyDeps, input: { name: string; role: Role }): Promise<CreatedApiKey> {
  const key = generateApiKey()
  const row = await queries.insertApiKey(deps.sql, { ...input, ...(await fingerprint(key)) })
  return { ...toView(row), key }
}

export async function listApiKeys(deps: KeyDeps): Promise<ApiKeyView[]> {
  return (await queries.listApiKeys(deps.sql)).map(toView)
}

export async function revokeApiKey(deps: KeyDeps, id: string): Promise<ApiKeyView> {
  const row = isUuid(id) ? await queries.revokeApiKey(deps.sql, id, deps.clock.now()) : undefined
  if (!row) throw new AppError('not_found', `No API key with id ${id}`)
  return toView(row)
}

/** The caller behind a presented key, or null when the key is unknown or revoked. */
export async function authenticateApiKey(deps: KeyDeps, presented: string): Promise<Principal | null> {
  const { hash, lookup } = await fingerprint(presented)
  const candidates = await queries.findActiveApiKeysByLookup(deps.sql, lookup)
  const match = candidates.find((row) => constantTimeEqual(row.hash, hash))
  return match ? { keyId: match.id, name: match.name, role: match.role } : null
}

/**
 * How admins get in after start-up, for the entry point to tell the operator: with ADMIN_API_KEY; with a
 * key generated just now (print it); only with the key generated at an earlier first start (say how to
 * make another if it was lost); with other admin keys; or not yet (a command-line tool ran first).
 */
export type AdminAccess = 'configured' | 'generated' | 'generated-earlier' | 'keys' | 'none'

/**
 * Makes sure an admin can get in. With ADMIN_API_KEY that key is stored (hash only) and any earlier
 * value of the variable is revoked. Without it, and with no admin yet, a key is generated only when
 * `generate` says the caller prints it (the server does; command-line tools do not, so a key is never
 * made where nobody sees it).
 */
export async function ensureBootstrapAdmin(
  deps: KeyDeps,
  adminApiKey: string | undefined,
  options: { generate?: boolean } = {},
): Promise<{ generatedKey?: string; access: AdminAccess }> {
  return deps.sql.transaction(async (sql) => {
    await sql.query(`SELECT pg_advisory_xact_lock(hashtext('inquiry-triage:bootstrap-admin'))`)
    if (adminApiKey) {
      const print = await fingerprint(adminApiKey)
      await queries.insertApiKeyIfAbsent(sql, { name: bootstrapKeyName, role: 'admin', ...print })
      await queries.revokeOtherKeysNamed(sql, bootstrapKeyName, print.hash, deps.clock.now())
      return { access: 'configured' }
    }
    const { total, generated } = await queries.countActiveAdminKeysByOrigin(sql, generatedKeyName)
    if (total > generated) return { access: 'keys' }
    if (total > 0) return { access: 'generated-earlier' }
    if (!options.generate) return { access: 'none' }
    const key = generateApiKey()
    await queries.insertApiKey(sql, { name: generatedKeyName, role: 'admin', ...(await fingerprint(key)) })
    return { generatedKey: key, access: 'generated' }
  })
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
}
