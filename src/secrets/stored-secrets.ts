import type { Logger } from '../logger.js'
import type { Sql } from '../storage/sql.js'
import { lockStoredSecrets, secretColumns, writeStoredSecret, type SecretColumn } from '../storage/queries/stored-secrets.js'
import { isSealed, keyIdOf, SecretsError, type SecretBox, type SecretContext } from './secret-box.js'

const contextOf = (column: SecretColumn, rowId: string): SecretContext => ({ table: column.table, column: column.column, rowId })
const label = (column: SecretColumn) => `${column.table}.${column.column}`

/**
 * At every start, after the SQL migrations: refuses to go on when a stored secret is under a key this
 * box does not hold (a wrong SECRETS_KEY would otherwise surface only at the first webhook), then
 * encrypts every value still in plain text in place. Idempotent; one transaction.
 */
export async function sealStoredSecrets(deps: { sql: Sql; secrets: SecretBox; logger: Logger }): Promise<number> {
  const sealed = await deps.sql.transaction(async (tx) => {
    let count = 0
    for (const column of secretColumns) {
      for (const stored of await lockStoredSecrets(tx, column)) {
        const keyId = keyIdOf(stored.value)
        if (keyId && !deps.secrets.keyIds.includes(keyId)) throw unknownKey(deps.secrets, column, keyId)
        if (isSealed(stored.value)) continue
        await writeStoredSecret(tx, column, stored.id, await deps.secrets.seal(stored.value, contextOf(column, stored.id)))
        count++
      }
    }
    return count
  })
  if (sealed > 0) deps.logger.info({ sealed }, 'stored secrets that were in plain text are encrypted now')
  return sealed
}

/** What a rotation did, per column: values re-encrypted under the current key, and values already under it. */
export type ResealReport = Record<string, { resealed: number; current: number }>

/**
 * Re-encrypts every stored secret under the box's current key, in one transaction: a value that does
 * not open (wrong previous key, altered value) throws and nothing changes.
 */
export async function resealStoredSecrets(sql: Sql, box: SecretBox): Promise<ResealReport> {
  return sql.transaction(async (tx) => {
    const report: ResealReport = {}
    for (const column of secretColumns) {
      const counts = (report[label(column)] = { resealed: 0, current: 0 })
      for (const stored of await lockStoredSecrets(tx, column)) {
        if (keyIdOf(stored.value) === box.keyId) {
          counts.current++
          continue
        }
        const context = contextOf(column, stored.id)
        const plain = isSealed(stored.value) ? await box.open(stored.value, context) : stored.value
        await writeStoredSecret(tx, column, stored.id, await box.seal(plain, context))
        counts.resealed++
      }
    }
    return report
  })
}

function unknownKey(box: SecretBox, column: SecretColumn, keyId: string): SecretsError {
  return new SecretsError(
    'unknown_key',
    `Stored secrets (${label(column)}) are encrypted with key ${keyId}, but the secrets key in use is ${box.keyId}` +
      `${box.keyIds.length > 1 ? ` (previous: ${box.keyIds.slice(1).join(', ')})` : ''}. Set SECRETS_KEY to the key these secrets were encrypted with.`,
  )
}
