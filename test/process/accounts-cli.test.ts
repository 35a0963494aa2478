import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { killStartedProcesses, runCli, startServer, tempDataDir } from '../helpers/process.js'

const adminKey = 'test-admin-key-0123456789abcdef-0123456789'
afterEach(killStartedProcesses)

// npm run accounts:import against the embedded database, then the server reads what it stored.
describe('accounts:import', () => {
  it('loads a CRM export, replaces by external id, and refuses a file with a bad row without writing any', async () => {
    const dataDir = await tempDataDir()
    const env = {
      DATA_DIR: dataDir,
      ADMIN_API_KEY: adminKey,
      EMBEDDINGS_PROVIDER: 'hashing',
      KB_LOAD_DEMO: 'false',
      TRAINING_LOAD_DEFAULTS: 'false',
      LOG_LEVEL: 'warn',
    }
    const good = join(dataDir, 'crm.csv')
    await writeFile(
      good,
      '\uFEFFAccount ID,Company,Tier,Domains,Emails,SLA hours\nCRM-1,Seehotels Nord GmbH,Key Account,seehotels-nord.example;seehotels.example,,4\nCRM-2,"Bäckerei Korn, Filiale Mitte",premium,,einkauf@korn.example,\n',
    )
    const imported = await runCli('src/entry/accounts-import-cli.ts', env, [good])
    expect(imported).toMatchObject({ code: 0, output: expect.stringContaining('2 accounts read: 2 added, 0 updated') })
    expect((await runCli('src/entry/accounts-import-cli.ts', env, [good])).output).toContain('2 accounts read: 0 added, 2 updated')

    const bad = join(dataDir, 'bad.csv')
    await writeFile(
      bad,
      'external_id,name,tier,domains,emails,first_response_hours\nCRM-3,New Co,standard,,,\nCRM-4,Broken,gold,https://x.example,nobody,-1\nCRM-3,Twin,standard,,,\n',
    )
    const refused = await runCli('src/entry/accounts-import-cli.ts', env, [bad])
    expect(refused.code).toBe(1)
    expect(refused.output).toMatch(/nothing imported/)
    expect(refused.output).toMatch(/line 3: tier:/)
    expect(refused.output).toMatch(/line 3: domains\.0: must be a domain/)
    expect(refused.output).toMatch(/line 3: emails\.0: must be an e-mail address/)
    expect(refused.output).toMatch(/line 3: firstResponseHours: must be more than 0/)
    expect(refused.output).toMatch(/line 4: externalId: "CRM-3" repeats line 2/)
    const headless = join(dataDir, 'headless.csv')
    await writeFile(headless, 'name,tier\nX Co,standard\n')
    expect((await runCli('src/entry/accounts-import-cli.ts', env, [headless])).output).toMatch(/missing column\(s\): externalId/)
    expect((await runCli('src/entry/accounts-import-cli.ts', env, [])).code).toBe(2)
    expect((await runCli('src/entry/accounts-import-cli.ts', env, ['/nonexistent.csv'])).output).toMatch(/cannot read \/nonexistent\.csv/)

    const server = await startServer({ ...env, LOG_LEVEL: 'info' })
    await server.waitFor(/"msg":"ready"/)
    const list = (await (await fetch(`${server.url}/v1/accounts`, { headers: { authorization: `Bearer ${adminKey}` } })).json()) as {
      total: number
      items: Array<Record<string, unknown>>
    }
    expect(list.total).toBe(2) // nothing of bad.csv
    expect(list.items.map((item) => [item.externalId, item.name, item.tier, item.firstResponseHours])).toEqual([
      ['CRM-2', 'Bäckerei Korn, Filiale Mitte', 'premium', null],
      ['CRM-1', 'Seehotels Nord GmbH', 'key_account', 4],
    ])
    expect(await server.stop()).toBe(0)
  }, 300_000)
})
