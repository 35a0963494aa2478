// `npm run integrations` as a real child process, on a PGlite data dir and (when available) a fresh
// PostgreSQL schema: a generated secret is printed once and never again, bad arguments exit 2 naming
// the flag, a taken or unknown name exits non-zero with a clear message.
import { afterEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { createMemoryLogger } from '../../src/logger.js'
import { openDatabase } from '../../src/platform/node/storage/open.js'
import { freshPostgresSchema, postgresAvailable } from '../helpers/databases.js'
import { killStartedProcesses, runCli, tempDataDir, testSecretsKey } from '../helpers/process.js'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { openIntegration } from '../../src/integrations/integration-secrets.js'
import { decodeSecretsKey } from '../../src/secrets/key.js'
import { createSecretBox, isSealed } from '../../src/secrets/secret-box.js'
import type { IntegrationRow } from '../../src/storage/queries/integrations.js'

const cli = 'src/entry/integrations-cli.ts'
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  killStartedProcesses()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

// One database is enough here: the commands' logic does not depend on it, the integrations' storage
// runs on both in test/http/integrations.test.ts, and each command on PGlite pays a WASM start-up plus
// the migrations (about 45 s per command on a loaded CI machine: this file took 6½ minutes on both).
// PostgreSQL when there is one, otherwise PGlite, so a machine without PostgreSQL still runs the file.
const targets = postgresAvailable
  ? [{ name: 'postgres', env: async (): Promise<Record<string, string>> => ({ DATABASE_URL: (await freshPostgresSchema(cleanups)).url }) }]
  : [{ name: 'pglite', env: async (): Promise<Record<string, string>> => ({ DATA_DIR: await tempDataDir() }) }]

/**
 * The secrets the database holds, by integration name, read after the CLI has exited (PGlite allows one
 * process): stored encrypted, opened with the key the CLI used (the test key, or the PGlite key file).
 */
async function storedSecrets(env: Record<string, string>): Promise<Record<string, string>> {
  const key = env.DATABASE_URL ? testSecretsKey : await readFile(join(env.DATA_DIR!, 'secrets.key'), 'utf8')
  const box = await createSecretBox({ current: decodeSecretsKey(key)! })
  const sql = await openDatabase(parseConfig({ ...env, SECRETS_KEY: key }), createMemoryLogger())
  try {
    const rows = await sql.query<IntegrationRow>('SELECT * FROM integrations')
    for (const row of rows) expect(isSealed(row.secret)).toBe(true)
    return Object.fromEntries(await Promise.all(rows.map(async (row) => [row.name, (await openIntegration(box, row)).secret])))
  } finally {
    await sql.close()
  }
}

// Each run starts Node and opens the database (PGlite: a WASM start-up), which takes seconds on a busy machine.
const slow = { timeout: 480_000 }

describe.each(targets)('integrations command line [$name]', (target) => {
  it('creates with --generate-secret, prints the secret once, and list, show and update never print it', slow, async () => {
    const env = { ...(await target.env()), LOG_LEVEL: 'warn' }
    const run = (...args: string[]) => runCli(cli, env, args)

    const created = await run(
      'create',
      '--name',
      'zammad-main',
      '--type',
      'zammad',
      '--generate-secret',
      '--api-base-url',
      'https://helpdesk.example.com',
      '--api-token',
      'zammad-api-token-0123456789',
      '--technical-group',
      'Technik',
    )
    expect(created.code, created.output).toBe(0)
    expect(created.output).toMatch(/created zammad-main \(zammad\)/)
    expect(created.output).toMatch(/webhook URL path: \/v1\/webhooks\/zammad-main/)
    expect(created.output).toMatch(/write-back: api via https:\/\/helpdesk\.example\.com/)
    expect(created.output).toMatch(/groups: technical→Technik/)
    const secret = created.output.match(/^secret: (\S+)$/m)?.[1]
    expect(secret).toMatch(/^[0-9a-f]{32}$/)
    expect(created.output.split(secret!)).toHaveLength(2) // printed exactly once
    expect(created.output).not.toContain('zammad-api-token-0123456789')

    const generic = await run(
      'create',
      '--name',
      'shop',
      '--type',
      'generic',
      '--generate-secret',
      '--callback-url',
      'https://shop.example.com/triage',
    )
    expect(generic.code, generic.output).toBe(0)
    const genericSecret = generic.output.match(/^secret: (\S+)$/m)?.[1]
    expect(genericSecret).toMatch(/^whsec_[A-Za-z0-9+/=]{32,}$/)

    const listed = await run('list')
    expect(listed.code).toBe(0)
    expect(listed.output).toMatch(/shop \(generic\)[\s\S]*write-back: callback to https:\/\/shop\.example\.com\/triage/)
    expect(listed.output).toMatch(/zammad-main \(zammad\)/)
    const shown = await run('show', 'zammad-main')
    expect(shown.code).toBe(0)
    expect(shown.stdout).toMatch(/^zammad-main \(zammad\)/) // notes about the database go to stderr

    const updated = await run('update', 'zammad-main', '--commercial-group', 'Vertrieb')
    expect(updated.code, updated.output).toBe(0)
    expect(updated.output).toMatch(/updated zammad-main \(zammad\)/)
    expect(updated.output).toMatch(/groups: technical→Technik, commercial→Vertrieb/)
    for (const output of [listed.output, shown.output, updated.output]) {
      expect(output).not.toContain(secret)
      expect(output).not.toContain(genericSecret)
      expect(output).not.toContain('zammad-api-token-0123456789')
      expect(output).not.toMatch(/secret:/)
    }

    const rotated = await run('update', 'zammad-main', '--secret', 'a-new-secret-from-the-vault-0123', '--previous-secret-valid-hours', '2')
    expect(rotated.code, rotated.output).toBe(0)
    expect(rotated.output).not.toContain('a-new-secret-from-the-vault-0123')
    expect(rotated.output).toMatch(/previous secret accepted until \d{4}-\d{2}-\d{2}T/)
    const badOverlap = await run('update', 'zammad-main', '--previous-secret-valid-hours', '24h')
    expect(badOverlap.code).toBe(2)
    expect(badOverlap.output).toMatch(/--previous-secret-valid-hours: /)
    const overlapEnded = await run('update', 'zammad-main', '--previous-secret-valid-hours', '0')
    expect(overlapEnded.code, overlapEnded.output).toBe(0)
    expect(overlapEnded.output).not.toMatch(/previous secret accepted/)
    const regenerated = await run('update', 'shop', '--generate-secret')
    expect(regenerated.code, regenerated.output).toBe(0)
    const newGenericSecret = regenerated.output.match(/^secret: (\S+)$/m)?.[1]
    expect(newGenericSecret).toMatch(/^whsec_/)
    expect(newGenericSecret).not.toBe(genericSecret)
    expect(await storedSecrets(env)).toEqual({ 'zammad-main': 'a-new-secret-from-the-vault-0123', shop: newGenericSecret })

    const deleted = await run('delete', 'shop')
    expect(deleted.code).toBe(0)
    expect(deleted.output).toMatch(/deleted shop/)
    const afterDelete = await run('list')
    expect(afterDelete.output).not.toMatch(/shop/)
    expect(afterDelete.output).toMatch(/zammad-main/)
  })

  it('exits 1 for settings that break the type rules or a taken name, 3 for an unknown name, and changes nothing', slow, async () => {
    const env = { ...(await target.env()), LOG_LEVEL: 'warn' }
    const run = (...args: string[]) => runCli(cli, env, args)

    const halfWriteBack = await run(
      'create',
      '--name',
      'desk',
      '--type',
      'zendesk',
      '--generate-secret',
      '--api-token',
      'agent@example.com/token:abc',
    )
    expect(halfWriteBack.code).toBe(1)
    expect(halfWriteBack.output).toMatch(/apiBaseUrl: write-back needs both apiBaseUrl and apiToken/)
    expect(halfWriteBack.output).not.toMatch(/^secret:/m) // nothing was created, so no secret to configure

    const first = await run('create', '--name', 'desk', '--type', 'freshdesk', '--secret', 'freshdesk-shared-token-0123456789')
    expect(first.code, first.output).toBe(0)
    const duplicate = await run('create', '--name', 'desk', '--type', 'zendesk', '--generate-secret')
    expect(duplicate.code).toBe(1)
    expect(duplicate.output).toMatch(/An integration named desk exists already/)
    expect(duplicate.output).not.toMatch(/^secret:/m)

    for (const command of [
      ['show', 'nobody'],
      ['delete', 'nobody'],
      ['update', 'nobody', '--generate-secret'],
    ]) {
      const missing = await run(...command)
      expect(missing.code, command.join(' ')).toBe(3)
      expect(missing.output).toMatch(/No integration named nobody/)
      expect(missing.output).not.toMatch(/^secret:/m)
    }
    expect(
      (await run('list')).stdout
        .trim()
        .split('\n')
        .filter((line) => /^\S/.test(line)),
    ).toEqual(['desk (freshdesk)'])
  })
})

// Argument errors are found before the database is opened, so one database is enough.
describe('integrations command line arguments', () => {
  it('exits 2 with a message naming the bad flag and the usage', slow, async () => {
    const env = { DATA_DIR: await tempDataDir(), LOG_LEVEL: 'warn' }
    const run = (...args: string[]) => runCli(cli, env, args)
    const cases: Array<{ args: string[]; message: RegExp }> = [
      { args: ['create', '--name', 'desk', '--type', 'zendesk', '--generate-secret', '--colour', 'blue'], message: /--colour/ },
      {
        args: ['create', '--name', 'desk', '--type', 'generic', '--generate-secret', '--callback-url', 'ftp://example.com/x'],
        message: /--callback-url: /,
      },
      { args: ['create', '--name', 'desk', '--type', 'jira', '--generate-secret'], message: /--type: / },
      { args: ['create', '--name', 'Desk One', '--type', 'zendesk', '--generate-secret'], message: /--name: / },
      { args: ['create', '--name', 'desk', '--type', 'zendesk', '--secret', 'short'], message: /--secret: must be at least 16 characters/ },
      { args: ['create', '--name', 'desk', '--type', 'zendesk'], message: /--secret <secret> or --generate-secret/ },
      {
        args: ['create', '--name', 'desk', '--type', 'zendesk', '--secret', 'x'.repeat(20), '--generate-secret'],
        message: /--secret or --generate-secret, not both/,
      },
      { args: ['update', 'desk'], message: /at least one setting/ },
      { args: ['update', 'desk', '--api-base-url', 'not a url'], message: /--api-base-url: / },
      { args: ['frobnicate'], message: /unknown or incomplete command: frobnicate/ },
      { args: [], message: /no command given/ },
    ]
    for (const { args, message } of cases) {
      const result = await run(...args)
      expect(result.code, `${args.join(' ')}\n${result.output}`).toBe(2)
      expect(result.output).toMatch(message)
      expect(result.output).toMatch(/usage:/)
    }
  })
})
