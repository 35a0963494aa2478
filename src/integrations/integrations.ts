import { z } from 'zod'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import * as queries from '../storage/queries/integrations.js'
import type { IntegrationRow } from '../storage/queries/integrations.js'
import { parseStandardWebhookSecret } from '../webhooks/standard-webhooks.js'
import { webhookTypes } from '../webhooks/types.js'
import { webUrl } from '../web-url.js'
import { findOpenIntegrationByName, sealIntegrationSecrets } from './integration-secrets.js'

// An integration is one helpdesk connection: how its webhooks are verified (the secret) and how results
// go back (API base URL and token, or a callback URL). Secrets never leave through the API or the logs,
// and are stored encrypted (integration-secrets.ts).

const namePattern = /^[a-z0-9][a-z0-9_-]{0,62}$/
const groupName = z.string().trim().min(1).max(200)
const DepartmentGroupsSchema = z.object({ technical: groupName.optional(), commercial: groupName.optional() }).strict()

const changeableFields = {
  secret: z.string().min(16, 'must be at least 16 characters long').max(500),
  callbackUrl: webUrl.nullable().optional().meta({ description: 'generic: where the signed triage result is POSTed' }),
  apiBaseUrl: webUrl.nullable().optional().meta({ description: 'helpdesks: the REST API root, e.g. https://example.zendesk.com' }),
  apiToken: z
    .string()
    .min(1)
    .max(2000)
    .nullable()
    .optional()
    .meta({ description: 'Never returned. Zendesk: "agent@example.com/token:<token>" or an OAuth token' }),
  departmentGroups: DepartmentGroupsSchema.optional().meta({
    description: 'The helpdesk group each department is assigned to on write-back',
  }),
}

export const IntegrationCreateSchema = z
  .object({
    name: z
      .string()
      .regex(namePattern, 'use 1–63 lower-case letters, digits, "-" or "_", starting with a letter or digit')
      .meta({ description: 'Unique; the webhook URL is /v1/webhooks/<name>' }),
    type: z.enum(webhookTypes),
    ...changeableFields,
  })
  .strict()
  .meta({ id: 'IntegrationCreate' })
export type IntegrationCreate = z.infer<typeof IntegrationCreateSchema>

const maxOverlapHours = 168

export const IntegrationUpdateSchema = z
  .object({
    ...changeableFields,
    secret: changeableFields.secret.optional(),
    previousSecretValidHours: z.number().int().min(0).max(maxOverlapHours).optional().meta({
      description:
        'With a new secret: how many hours the previous one is still accepted (0, the default, refuses it at once), so deliveries the helpdesk signs before its admin has changed the secret there are not lost. Without a secret: changes the remaining overlap (0 ends it now).',
    }),
  })
  .strict()
  .meta({ id: 'IntegrationUpdate' })
export type IntegrationUpdate = z.infer<typeof IntegrationUpdateSchema>

export const IntegrationSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    type: z.enum(webhookTypes),
    webhookPath: z.string(),
    writeBack: z.enum(['api', 'callback', 'none']).meta({ description: 'How results reach the helpdesk' }),
    callbackUrl: z.string().nullable(),
    apiBaseUrl: z.string().nullable(),
    hasApiToken: z.boolean(),
    previousSecretExpiresAt: z
      .string()
      .nullable()
      .meta({ description: 'Until when the secret before the last rotation is still accepted; null when it is not' }),
    departmentGroups: DepartmentGroupsSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Integration' })
export type Integration = z.infer<typeof IntegrationSchema>

/** How results go back to this integration's helpdesk, if at all. */
export function writeBackMode(row: Pick<IntegrationRow, 'type' | 'callback_url' | 'api_base_url' | 'api_token'>): Integration['writeBack'] {
  if (row.type === 'generic') return row.callback_url ? 'callback' : 'none'
  return row.api_base_url && row.api_token ? 'api' : 'none'
}

/** The secrets a delivery may be signed with at `now`: the current one, and the previous one during its overlap. */
export function acceptedSecrets(
  row: Pick<IntegrationRow, 'secret' | 'previous_secret' | 'previous_secret_expires_at'>,
  now: Date,
): string[] {
  const previousValid = row.previous_secret && row.previous_secret_expires_at && row.previous_secret_expires_at.getTime() > now.getTime()
  return previousValid ? [row.secret, row.previous_secret!] : [row.secret]
}

/** The public view: everything but the secrets and the token. */
export function toIntegration(row: IntegrationRow, now: Date): Integration {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    webhookPath: `/v1/webhooks/${row.name}`,
    writeBack: writeBackMode(row),
    callbackUrl: row.callback_url,
    apiBaseUrl: row.api_base_url,
    hasApiToken: Boolean(row.api_token),
    previousSecretExpiresAt: acceptedSecrets(row, now).length > 1 ? row.previous_secret_expires_at!.toISOString() : null,
    departmentGroups: row.department_groups ?? {},
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

type Settings = Pick<IntegrationRow, 'type' | 'secret' | 'callback_url' | 'api_base_url' | 'api_token'>

/** The rules that depend on the type; every broken one is named, as a validation error. */
function checkTypeRules(settings: Settings): void {
  const errors: Array<{ field: string; message: string }> = []
  if (settings.type === 'generic') {
    if (!parseStandardWebhookSecret(settings.secret))
      errors.push({
        field: 'secret',
        message: 'a generic integration needs a Standard Webhooks secret: "whsec_" and at least 24 bytes in base64',
      })
    if (settings.api_base_url || settings.api_token)
      errors.push({
        field: 'apiBaseUrl',
        message: 'a generic integration writes back to callbackUrl; apiBaseUrl and apiToken are for helpdesks',
      })
  } else {
    if (settings.callback_url)
      errors.push({
        field: 'callbackUrl',
        message: `a ${settings.type} integration writes back through its API (apiBaseUrl and apiToken), not a callback URL`,
      })
    if (Boolean(settings.api_base_url) !== Boolean(settings.api_token)) {
      errors.push({
        field: settings.api_base_url ? 'apiToken' : 'apiBaseUrl',
        message: 'write-back needs both apiBaseUrl and apiToken (or neither, for no write-back)',
      })
    }
  }
  if (errors.length) throw new AppError('validation_failed', 'The integration settings do not fit its type.', { errors })
}

/**
 * The write-back URLs being set must pass the outbound policy (docs/outbound.md); each refused one is
 * named with the reason. The same check runs again on every call, since DNS answers may change.
 */
async function checkOutboundUrls(
  deps: Pick<Deps, 'outbound'>,
  urls: { callbackUrl?: string | null | undefined; apiBaseUrl?: string | null | undefined },
): Promise<void> {
  const errors: Array<{ field: string; message: string }> = []
  for (const field of ['callbackUrl', 'apiBaseUrl'] as const) {
    const refusal = urls[field] ? await deps.outbound.check(urls[field]) : undefined
    if (refusal) errors.push({ field, message: `refused by outbound policy: ${refusal}` })
  }
  if (errors.length) {
    throw new AppError(
      'validation_failed',
      'The outbound policy refuses this URL; a helpdesk on a private network is allowed by listing it in OUTBOUND_ALLOWED_HOSTS.',
      { errors },
    )
  }
}

export async function createIntegration(
  deps: Pick<Deps, 'sql' | 'clock' | 'outbound' | 'secrets'>,
  input: IntegrationCreate,
): Promise<Integration> {
  checkTypeRules({
    type: input.type,
    secret: input.secret,
    callback_url: input.callbackUrl ?? null,
    api_base_url: input.apiBaseUrl ?? null,
    api_token: input.apiToken ?? null,
  })
  await checkOutboundUrls(deps, input)
  const id = crypto.randomUUID()
  const row = await queries.insertIntegration(deps.sql, await sealIntegrationSecrets(deps.secrets, id, { ...input, id }))
  if (!row) throw new AppError('conflict', `An integration named ${input.name} exists already.`)
  return toIntegration(row, deps.clock.now())
}

export async function listIntegrations(deps: Pick<Deps, 'sql' | 'clock'>): Promise<Integration[]> {
  const now = deps.clock.now()
  return (await queries.listIntegrations(deps.sql)).map((row) => toIntegration(row, now))
}

async function findRow(deps: Pick<Deps, 'sql'>, name: string): Promise<IntegrationRow> {
  const row = namePattern.test(name) ? await queries.findIntegrationByName(deps.sql, name) : undefined
  if (!row) throw new AppError('not_found', `No integration named ${name}.`)
  return row
}

export async function getIntegration(deps: Pick<Deps, 'sql' | 'clock'>, name: string): Promise<Integration> {
  return toIntegration(await findRow(deps, name), deps.clock.now())
}

/**
 * Changes settings (rotating the secret, say); checked against the type rules with the stored values
 * filled in. A new secret moves the current one to the overlap slot for `previousSecretValidHours`.
 */
export async function updateIntegration(
  deps: Pick<Deps, 'sql' | 'clock' | 'outbound' | 'secrets'>,
  name: string,
  update: IntegrationUpdate,
): Promise<Integration> {
  const { previousSecretValidHours: overlapHours, ...changes } = update
  const current = namePattern.test(name) ? await findOpenIntegrationByName(deps, name) : undefined
  if (!current) throw new AppError('not_found', `No integration named ${name}.`)
  const now = deps.clock.now()
  const pick = <T>(value: T | undefined, stored: T) => (value === undefined ? stored : value)
  checkTypeRules({
    type: current.type,
    secret: pick(changes.secret, current.secret),
    callback_url: pick(changes.callbackUrl, current.callback_url),
    api_base_url: pick(changes.apiBaseUrl, current.api_base_url),
    api_token: pick(changes.apiToken, current.api_token),
  })
  await checkOutboundUrls(deps, changes)
  const sealed = await sealIntegrationSecrets(deps.secrets, current.id, {
    ...changes,
    ...previousSecretChange(current, changes.secret, overlapHours, now),
  })
  const row = await queries.updateIntegration(deps.sql, name, sealed)
  if (!row) throw new AppError('not_found', `No integration named ${name}.`)
  return toIntegration(row, now)
}

/** What happens to the overlap slot: filled on rotation, re-timed or emptied on request, else untouched. */
function previousSecretChange(
  current: IntegrationRow,
  secret: string | undefined,
  overlapHours: number | undefined,
  now: Date,
): { previousSecret?: queries.PreviousSecret | null } {
  const until = (hours: number) => new Date(now.getTime() + hours * 3_600_000)
  if (secret !== undefined && secret !== current.secret)
    return { previousSecret: overlapHours ? { secret: current.secret, expiresAt: until(overlapHours) } : null }
  if (overlapHours === undefined) return {}
  const previous = acceptedSecrets(current, now)[1]
  return { previousSecret: previous && overlapHours > 0 ? { secret: previous, expiresAt: until(overlapHours) } : null }
}

/** Removes the integration; its inquiries stay (no longer linked), its queued write-backs are dropped. */
export async function deleteIntegration(deps: Pick<Deps, 'sql'>, name: string): Promise<void> {
  if (!namePattern.test(name) || !(await queries.deleteIntegration(deps.sql, name)))
    throw new AppError('not_found', `No integration named ${name}.`)
}

export { namePattern as integrationNamePattern }
