// `npm run secrets` as a real child process. With SECRETS_KEY: rotate refuses to run without the previous
// key (exit 2), exits 1 and changes nothing when SECRETS_KEY_PREVIOUS is wrong, re-encrypts every stored
// secret under the new key when it is right, and finds nothing left to do a second time. Embedded default:
// the first command creates <DATA_DIR>/secrets.key (0600) and says so; rotate replaces it with a new key.
import { stat, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { createNodeOutboundGuard } from '../../src/platform/node/node-outbound.js'
import { createIntegration } from '../../src/integrations/integrations.js'
import { createMemoryLogger } from '../../src/logger.js'
import { decodeSecretsKey, generateSecretsKey } from '../../src/secrets/key.js'
import { createSecretBox, keyIdOf, type SecretBox } from '../../src/secrets/secret-box.js'
import { openIntegration } from '../../src/integrations/integration-secrets.js'
import { openDatabase } from '../../src/platform/node/storage/open.js'
import { migrate } from '../../src/storage/migrate.js'
import type { IntegrationRow } from '../../src/storage/queries/integrations.js'
import { freshPostgresSchema, migrations, postgresAvailable } from '../helpers/databases.js'
import { killStartedProcesses, runCli, tempDataDir } from '../helpers/process.js'

const cli = 'src/entry/secrets-cli.ts'
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  killStartedProcesses()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

// One database, as in integrations-cli.test.ts: PostgreSQL when there is one (fast to start), else PGlite.
const targetEnv = async (): Promise<Record<string, string>> =>
  postgresAvailable ? { DATABASE_URL: (await freshPostgresSchema(cleanups)).url } : { DATA_DIR: await tempDataDir() }

const slow = { timeout: 480_000 }
const keyOf = (text: string) => decodeSecretsKey(text)!

/** Opens the database in this process (PGlite: only while no child has it open), runs fn, closes it. */
async function withDatabase<T>(
  env: Record<string, string>,
  fn: (deps: Parameters<typeof createIntegration>[0]) => Promise<T>,
  box: SecretBox,
): Promise<T> {
  const config = parseConfig(env)
  const sql = await openDatabase(config, createMemoryLogger())
  // The helpdesk hosts are made-up public names; this machine has no DNS for them.
  const outbound = createNodeOutboundGuard(config.outbound, async () => ['93.184.215.14'])
  try {
    await migrate(sql, await migrations())
    return await fn({ sql, clock: { now: () => new Date() }, secrets: box, outbound })
  } finally {
    await sql.close()
  }
}

const readRows = (env: Record<string, string>, box: SecretBox) =>
  withDatabase(env, async ({ sql }) => sql.query<IntegrationRow>('SELECT * FROM integrations ORDER BY name'), box)

describe('secrets command line', () => {
  it(
    'rotates SECRETS_KEY: refuses without the previous key, changes nothing with a wrong one, re-encrypts everything with the right one',
    slow,
    async () => {
      const [oldKey, newKey, wrongKey] = [generateSecretsKey(), generateSecretsKey(), generateSecretsKey()]
      const env = { ...(await targetEnv()), LOG_LEVEL: 'warn' }
      const oldBox = await createSecretBox({ current: keyOf(oldKey) })
      await withDatabase(
        { ...env, SECRETS_KEY: oldKey },
        async (deps) => {
          await createIntegration(deps, {
            name: 'zendesk-main',
            type: 'zendesk',
            secret: 'zendesk-signing-secret-0123',
            apiBaseUrl: 'https://example.zendesk.com',
            apiToken: 'agent@example.com/token:abc123',
          })
          await createIntegration(deps, { name: 'zammad-main', type: 'zammad', secret: 'zammad-signing-secret-01234' })
        },
        oldBox,
      )
      const before = await readRows({ ...env, SECRETS_KEY: oldKey }, oldBox)
      expect(before.map((row) => keyIdOf(row.secret))).toEqual([oldBox.keyId, oldBox.keyId])

      const withoutPrevious = await runCli(cli, { ...env, SECRETS_KEY: newKey }, ['rotate'])
      expect(withoutPrevious.code, withoutPrevious.output).toBe(2)
      expect(withoutPrevious.output).toMatch(/rotate needs SECRETS_KEY_PREVIOUS/)

      const wrong = await runCli(cli, { ...env, SECRETS_KEY: newKey, SECRETS_KEY_PREVIOUS: wrongKey }, ['rotate'])
      expect(wrong.code, wrong.output).toBe(1)
      expect(wrong.output).toContain(`encrypted with key ${oldBox.keyId}`)
      expect(wrong.output).toMatch(/Nothing was changed\. Check SECRETS_KEY_PREVIOUS/)
      expect(await readRows({ ...env, SECRETS_KEY: oldKey }, oldBox)).toEqual(before)

      const rotated = await runCli(cli, { ...env, SECRETS_KEY: newKey, SECRETS_KEY_PREVIOUS: oldKey }, ['rotate'])
      expect(rotated.code, rotated.output).toBe(0)
      const newBox = await createSecretBox({ current: keyOf(newKey) })
      expect(rotated.output).toContain(`re-encrypted 3 stored secret(s) under key ${newBox.keyId}`)
      expect(rotated.output).toMatch(/integrations\.api_token: 1 re-encrypted/)
      const after = await readRows({ ...env, SECRETS_KEY: newKey }, newBox)
      for (const row of after) {
        expect(keyIdOf(row.secret)).toBe(newBox.keyId)
        const opened = await openIntegration(newBox, row)
        expect(opened.secret).toBe(row.name === 'zendesk-main' ? 'zendesk-signing-secret-0123' : 'zammad-signing-secret-01234')
      }
      expect((await openIntegration(newBox, after.find((row) => row.name === 'zendesk-main')!)).api_token).toBe(
        'agent@example.com/token:abc123',
      )

      const again = await runCli(cli, { ...env, SECRETS_KEY: newKey, SECRETS_KEY_PREVIOUS: oldKey }, ['rotate'])
      expect(again.code, again.output).toBe(0)
      expect(again.output).toContain('re-encrypted 0 stored secret(s)')
      const status = await runCli(cli, { ...env, SECRETS_KEY: newKey }, ['status'])
      expect(status.output).toContain(`integrations.secret: 2 under ${newBox.keyId} (current)`)
      for (const output of [wrong.output, rotated.output, again.output, status.output])
        expect(output).not.toMatch(/signing-secret|token:abc123/)

      const unknown = await runCli(cli, { ...env, SECRETS_KEY: newKey }, ['rotate', '--now'])
      expect(unknown.code).toBe(2)
    },
  )

  it('embedded default: the key file is made 0600 with a note, and rotate replaces it', slow, async () => {
    const dataDir = await tempDataDir()
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'info' }
    const first = await runCli(cli, env, ['status'])
    expect(first.code, first.output).toBe(0)
    const keyFile = join(dataDir, 'secrets.key')
    expect(first.output).toContain(keyFile)
    expect(first.output).toMatch(/back it up with the data folder/)
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600)
    const firstKey = (await readFile(keyFile, 'utf8')).trim()
    const firstBox = await createSecretBox({ current: keyOf(firstKey) })
    await withDatabase(
      { DATA_DIR: dataDir },
      (deps) => createIntegration(deps, { name: 'freshdesk-main', type: 'freshdesk', secret: 'freshdesk-shared-token-0123' }),
      firstBox,
    )

    const rotated = await runCli(cli, { ...env, LOG_LEVEL: 'warn' }, ['rotate'])
    expect(rotated.code, rotated.output).toBe(0)
    expect(rotated.output).toContain('re-encrypted 1 stored secret(s)')
    const secondKey = (await readFile(keyFile, 'utf8')).trim()
    expect(secondKey).not.toBe(firstKey)
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600)
    const secondBox = await createSecretBox({ current: keyOf(secondKey) })
    const [row] = await readRows({ DATA_DIR: dataDir }, secondBox)
    expect((await openIntegration(secondBox, row!)).secret).toBe('freshdesk-shared-token-0123')
  })
})
