import { generateSecretsKey } from '../secrets/key.js'
import { keyFrom } from '../secrets/resolve.js'
import { createSecretBox, keyIdOf, SecretsError, type SecretBox } from '../secrets/secret-box.js'
import { resealStoredSecrets, type ResealReport } from '../secrets/stored-secrets.js'
import type { Deps } from '../deps.js'
import { lockStoredSecrets, secretColumns } from '../storage/queries/stored-secrets.js'
import { prepareDatabase } from '../storage/prepare.js'
import { buildNodeDeps, runMain } from '../platform/node/node-deps.js'
import { createSecretsKeyFile } from '../platform/node/secrets-key-file.js'

const usage = `usage:
  npm run secrets -- status    which key each stored secret is encrypted with
  npm run secrets -- rotate    re-encrypt every stored secret under a new key, in one transaction
With SECRETS_KEY: set SECRETS_KEY to the new key and SECRETS_KEY_PREVIOUS to the key in use until now.
Without SECRETS_KEY (embedded database): a new key is generated and replaces <DATA_DIR>/secrets.key.`

// npm run secrets: key rotation and a look at which key the stored secrets are under. A wrong previous
// key, or a value that does not decrypt, exits 1 and changes nothing.
await runMain(async () => {
  const command = process.argv.slice(2)
  if (command.length !== 1 || !['status', 'rotate'].includes(command[0]!))
    return refuse(command.length ? `unknown command: ${command.join(' ')}` : 'no command given')
  const deps = await buildNodeDeps()
  if (command[0] === 'rotate' && deps.config.secrets.key && !deps.config.secrets.previousKey) {
    await deps.sql.close()
    return refuse('rotate needs SECRETS_KEY_PREVIOUS (the key in use until now) beside SECRETS_KEY (the new key)')
  }
  try {
    await prepareDatabase(deps)
    if (command[0] === 'status') await printStatus(deps)
    else await rotate(deps)
    return 0
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error
    process.stderr.write(
      `error: ${error.message}\nNothing was changed.${deps.config.secrets.key ? ' Check SECRETS_KEY_PREVIOUS: it must be the key the secrets are encrypted with now.' : ''}\n`,
    )
    return 1
  } finally {
    await deps.sql.close()
  }
})

function refuse(message: string): 2 {
  process.stderr.write(`error: ${message}\n${usage}\n`)
  return 2
}

/** With SECRETS_KEY: from the previous key to it. Embedded: to a new key, promoted into the key file after the commit. */
async function rotate(deps: Deps): Promise<void> {
  if (deps.config.secrets.key)
    return printReport(
      await resealStoredSecrets(deps.sql, deps.secrets),
      deps.secrets,
      'SECRETS_KEY now encrypts every stored secret; remove SECRETS_KEY_PREVIOUS and restart.',
    )
  const keyFile = createSecretsKeyFile(deps.config.dataDir, deps.logger)
  // A pending key is one an interrupted rotation chose (values may be under it already): finish with it.
  let pending = await keyFile.readPending()
  if (!pending) await keyFile.writePending((pending = generateSecretsKey()))
  const box = await createSecretBox({
    current: keyFrom(pending, keyFile.location),
    previous: [keyFrom((await keyFile.read())!, keyFile.location)],
  })
  const report = await resealStoredSecrets(deps.sql, box)
  await keyFile.promotePending()
  printReport(report, box, `${keyFile.location} holds the new key now: replace every backup of the old one.`)
}

function printReport(report: ResealReport, box: SecretBox, next: string): void {
  const total = Object.values(report).reduce((sum, counts) => sum + counts.resealed, 0)
  const lines = Object.entries(report).map(
    ([column, counts]) => `  ${column}: ${counts.resealed} re-encrypted, ${counts.current} already under the new key`,
  )
  process.stdout.write(`re-encrypted ${total} stored secret(s) under key ${box.keyId}, in one transaction:\n${lines.join('\n')}\n${next}\n`)
}

async function printStatus(deps: Deps): Promise<void> {
  const lines = await deps.sql.transaction(async (tx) => {
    const out: string[] = []
    for (const column of secretColumns) {
      const byKey = new Map<string, number>()
      for (const stored of await lockStoredSecrets(tx, column)) {
        const key = keyIdOf(stored.value) ?? 'plain text'
        byKey.set(key, (byKey.get(key) ?? 0) + 1)
      }
      const counts = [...byKey].map(([key, count]) => `${count} under ${key === deps.secrets.keyId ? `${key} (current)` : key}`)
      out.push(`  ${column.table}.${column.column}: ${counts.join(', ') || 'none stored'}`)
    }
    return out
  })
  process.stdout.write(`current key: ${deps.secrets.keyId}\n${lines.join('\n')}\n`)
}
