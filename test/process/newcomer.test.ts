// The first minutes with the service: a command-line tool run before the first start must not make an
// admin key nobody sees, and a tool pointed at the wrong data folder must say so instead of creating one.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { killStartedProcesses, runCli, startServer, tempDataDir } from '../helpers/process.js'

afterEach(killStartedProcesses)

const light = { EMBEDDINGS_PROVIDER: 'hashing', KB_LOAD_DEMO: 'false', TRAINING_LOAD_DEFAULTS: 'false' }

describe("a newcomer's first runs", () => {
  it('npm run migrate on a fresh folder makes no admin key; the first npm start prints one; later starts say how to recover', async () => {
    const dataDir = await tempDataDir()
    const migrated = await runCli('src/entry/migrate-cli.ts', { DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, [])
    expect(migrated.code).toBe(0)
    expect(migrated.output).toMatch(/No admin API key exists yet: the first `npm start` generates one/)
    expect(migrated.output).not.toMatch(/itk_/)

    const first = await startServer({ DATA_DIR: dataDir, ...light })
    const [, key] = await first.waitFor(/ADMIN KEY: (itk_\S+)/)
    await first.waitFor(/"msg":"ready"/)
    expect((await fetch(`${first.url}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200)
    expect(await first.stop()).toBe(0)

    const second = await startServer({ DATA_DIR: dataDir, ...light })
    await second.waitFor(/"msg":"ready"/)
    expect(second.output()).not.toMatch(/ADMIN KEY|itk_/)
    expect(second.output()).toMatch(/If it is lost, stop the server/)
    expect(second.output()).toMatch(/npm run keys -- create --role admin/)
    expect(await second.stop()).toBe(0)

    // Once there is another admin key, the note has done its job.
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' }
    expect((await runCli('src/entry/keys-cli.ts', env, ['create', '--role', 'admin', '--name', 'Admin Anna'])).code).toBe(0)
    const third = await startServer({ DATA_DIR: dataDir, ...light })
    await third.waitFor(/"msg":"ready"/)
    expect(third.output()).not.toMatch(/If it is lost/)
    expect(await third.stop()).toBe(0)
  })

  it('keys list names the database it uses, and refuses a data folder that does not exist instead of creating it', async () => {
    const parent = await tempDataDir()
    const wrong = join(parent, 'typo')
    const listed = await runCli('src/entry/keys-cli.ts', { DATA_DIR: wrong, LOG_LEVEL: 'warn' }, ['list'])
    expect(listed.code).toBe(1)
    expect(listed.output).toContain(`no database in ${wrong}/pglite`)
    expect(listed.output).toMatch(/Set DATA_DIR/)
    expect(existsSync(wrong)).toBe(false)

    const created = await runCli('src/entry/keys-cli.ts', { DATA_DIR: wrong, LOG_LEVEL: 'warn' }, [
      'create',
      '--role',
      'agent',
      '--name',
      'Agent Ali',
    ])
    expect(created.code).toBe(0)
    expect(created.output).toContain(`using PGlite in ${wrong}/pglite`)
    expect(created.output).toMatch(/No admin API key exists yet/) // an agent key is no way in for an admin
    const relisted = await runCli('src/entry/keys-cli.ts', { DATA_DIR: wrong, LOG_LEVEL: 'warn' }, ['list'])
    expect(relisted.code).toBe(0)
    expect(relisted.output).toContain(`using PGlite in ${wrong}/pglite`)
    expect(relisted.output).toMatch(/agent\s+active\s+Agent Ali/)
  })
})
