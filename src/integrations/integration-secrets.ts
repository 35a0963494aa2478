import type { Deps } from '../deps.js'
import type { SecretBox } from '../secrets/secret-box.js'
import * as queries from '../storage/queries/integrations.js'
import type { IntegrationRow, PreviousSecret } from '../storage/queries/integrations.js'

// The integration's secrets are encrypted in the database and opened only where they are used: the
// intake verifying a signature, the write-back signing or authenticating, and a PATCH moving the current
// secret into the overlap slot. Each value is bound to its row and column.

type SecretDeps = Pick<Deps, 'sql' | 'secrets'>
type SecretColumn = 'secret' | 'previous_secret' | 'api_token'

const context = (rowId: string, column: SecretColumn) => ({ table: 'integrations', column, rowId })

/** The row with its secrets decrypted. */
export async function openIntegration(box: SecretBox, row: IntegrationRow): Promise<IntegrationRow> {
  const open = (value: string | null, column: SecretColumn) => (value === null ? null : box.open(value, context(row.id, column)))
  return {
    ...row,
    secret: (await open(row.secret, 'secret'))!,
    previous_secret: await open(row.previous_secret, 'previous_secret'),
    api_token: await open(row.api_token, 'api_token'),
  }
}

/** The secret-bearing changes of an insert or update, encrypted for row `rowId`; other fields pass through. */
export async function sealIntegrationSecrets<
  T extends { secret?: string | undefined; apiToken?: string | null | undefined; previousSecret?: PreviousSecret | null | undefined },
>(box: SecretBox, rowId: string, fields: T): Promise<T> {
  const sealed = { ...fields }
  if (typeof fields.secret === 'string') sealed.secret = await box.seal(fields.secret, context(rowId, 'secret'))
  if (typeof fields.apiToken === 'string') sealed.apiToken = await box.seal(fields.apiToken, context(rowId, 'api_token'))
  if (fields.previousSecret)
    sealed.previousSecret = {
      ...fields.previousSecret,
      secret: await box.seal(fields.previousSecret.secret, context(rowId, 'previous_secret')),
    }
  return sealed
}

export async function findOpenIntegrationByName(deps: SecretDeps, name: string): Promise<IntegrationRow | undefined> {
  const row = await queries.findIntegrationByName(deps.sql, name)
  return row && openIntegration(deps.secrets, row)
}

export async function findOpenIntegration(deps: SecretDeps, id: string): Promise<IntegrationRow | undefined> {
  const row = await queries.findIntegration(deps.sql, id)
  return row && openIntegration(deps.secrets, row)
}
