import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { killStartedProcesses, runCli, startServer, tempDataDir } from '../helpers/process.js'
import { ensureTinyModel } from '../helpers/tiny-model.js'

const adminKey = 'test-admin-key-0123456789abcdef-0123456789'
afterEach(killStartedProcesses)

async function search(url: string, q: string) {
  const response = await fetch(`${url}/v1/kb/search?q=${encodeURIComponent(q)}&k=3`, { headers: { authorization: `Bearer ${adminKey}` } })
  expect(response.status).toBe(200)
  return (await response.json()) as { results: Array<{ externalId: string }>; space: string }
}

async function writeImportFolder(): Promise<string> {
  const folder = join(await tempDataDir(), 'import')
  await mkdir(join(folder, 'nested'), { recursive: true })
  await writeFile(
    join(folder, 'kaffee.md'),
    '---\nexternalId: md-kaffee\ntitle: Kaffeemaschine reinigen\nlanguage: de\ndepartment: technical\ntags: [barista]\n---\n## Brühgruppe\n\nDie Brühgruppe einmal pro Woche unter warmem Wasser abspülen.\n',
  )
  await writeFile(
    join(folder, 'nested', 'invoice.html'),
    '<html lang="en"><head><title>Invoice copies</title></head><body><h2>Download</h2><p>Open <a href="/account">your account</a> to download a PDF copy of any invoice.</p></body></html>',
  )
  await writeFile(
    join(folder, 'faq.csv'),
    'externalId,title,body,language,department,tags\ncsv-lieferung,Lieferzeit,"Standardlieferung dauert drei bis fünf Werktage.",de,commercial,"lieferung;versand"\n',
  )
  await writeFile(
    join(folder, 'more.jsonl'),
    '{"id":"jsonl-pay","title":"Paying by instalments","text":"Instalments are available from 199 euros.","language":"en","department":"commercial","section":"ignored"}\n',
  )
  await writeFile(join(folder, 'broken.jsonl'), '{"id": "ok-line", "title": "fine", "text": "fine"}\n{not json\n')
  await writeFile(join(folder, 'notes.txt'), 'not an article format; ignored by the importer')
  return folder
}

describe('knowledge-base command line and start-up', () => {
  it('imports Markdown, HTML, CSV and JSONL, skips a bad file, and the server then finds the articles', async () => {
    const dataDir = await tempDataDir()
    const env = {
      DATA_DIR: dataDir,
      ADMIN_API_KEY: adminKey,
      EMBEDDINGS_PROVIDER: 'hashing',
      KB_LOAD_DEMO: 'false',
      TRAINING_LOAD_DEFAULTS: 'false',
      LOG_LEVEL: 'warn',
    }
    const imported = await runCli('src/entry/kb-import-cli.ts', env, [await writeImportFolder()])
    expect(imported.code).toBe(1) // something was skipped
    expect(imported.output).toMatch(/5 files read, 1 skipped/)
    expect(imported.output).toMatch(/articles: 4 created, 0 updated, 0 unchanged, 0 failed/)
    expect(imported.output).toMatch(/skipped file .*broken\.jsonl: line 2 is not valid JSON/)

    const server = await startServer({ ...env, LOG_LEVEL: 'info' })
    await server.waitFor(/"msg":"ready"/)
    expect((await search(server.url, 'Brühgruppe abspülen')).results[0]?.externalId).toBe('md-kaffee')
    expect((await search(server.url, 'PDF copy of my invoice')).results[0]?.externalId).toBe('invoice') // the file name, when the HTML names no id
    expect((await search(server.url, 'wie lange dauert der Versand')).results[0]?.externalId).toBe('csv-lieferung')
    expect((await search(server.url, 'pay in instalments')).results[0]?.externalId).toBe('jsonl-pay')
    expect(await server.stop()).toBe(0)
  })

  it('rejects a missing path or bad arguments with a message and a non-zero exit', async () => {
    const env = { DATA_DIR: await tempDataDir(), EMBEDDINGS_PROVIDER: 'hashing', LOG_LEVEL: 'warn' }
    const missing = await runCli('src/entry/kb-import-cli.ts', env, ['/nonexistent/folder'])
    expect(missing.code).toBe(1)
    expect(missing.output).toMatch(/cannot read \/nonexistent\/folder/)
    expect((await runCli('src/entry/kb-import-cli.ts', env, [])).code).toBe(2)
    const badBatch = await runCli('src/entry/kb-import-cli.ts', env, ['/tmp', '--batch', 'many'])
    expect(badBatch).toMatchObject({ code: 2, output: expect.stringMatching(/--batch must be a whole number from 1 to 500/) })
    // Commands without arguments refuse one instead of running anyway (model:download's own are in model-download-cli.test.ts).
    for (const [cli, command] of [
      ['kb-reindex-cli', 'kb:reindex'],
      ['migrate-cli', 'migrate'],
    ]) {
      const refused = await runCli(`src/entry/${cli}.ts`, env, ['--dry-run'])
      expect(refused, cli).toMatchObject({
        code: 2,
        output: expect.stringContaining(`npm run ${command} takes no arguments (got --dry-run)`),
      })
    }
    const worker = await runCli('src/entry/worker-cli.ts', env, ['--threads', '4'])
    expect(worker).toMatchObject({ code: 2, output: expect.stringMatching(/unknown argument --threads/) })
  })

  it('loads the demo knowledge base at the first start and re-indexes into a new space with kb:reindex', async () => {
    const dataDir = await tempDataDir()
    const env = { DATA_DIR: dataDir, ADMIN_API_KEY: adminKey, EMBEDDINGS_PROVIDER: 'hashing', TRAINING_LOAD_DEFAULTS: 'false' }
    const first = await startServer(env)
    await first.waitFor(/"msg":"ready"/)
    const ready = (await (await fetch(`${first.url}/readyz`)).json()) as {
      checks: { embeddings: { provider: string; coverage: { chunks: number; embedded: number } } }
    }
    expect(ready.checks.embeddings.provider).toBe('hashing')
    expect(ready.checks.embeddings.coverage.chunks).toBeGreaterThan(40)
    expect(ready.checks.embeddings.coverage.embedded).toBe(ready.checks.embeddings.coverage.chunks)
    expect((await search(first.url, 'Waschmaschine zeigt Fehler E18')).results.map((hit) => hit.externalId)).toContain(
      'kb-de-wm-fehlercodes',
    )
    expect(await first.stop()).toBe(0)

    const reindexed = await runCli('src/entry/kb-reindex-cli.ts', { ...env, HASHING_DIMENSIONS: '256', LOG_LEVEL: 'warn' }, [])
    expect(reindexed.code).toBe(0)
    expect(reindexed.output).toMatch(/space hashing:[^:]+:256: \d+ chunks embedded, now active/)

    const second = await startServer({ ...env, HASHING_DIMENSIONS: '256' })
    await second.waitFor(/"msg":"ready"/)
    expect(second.output()).not.toMatch(/demo knowledge base loaded/)
    const result = await search(second.url, 'Waschmaschine zeigt Fehler E18')
    expect(result.space).toMatch(/:256$/)
    expect(result.results.map((hit) => hit.externalId)).toContain('kb-de-wm-fehlercodes')
    expect(await second.stop()).toBe(0)
  })

  it('picks the local transformers model in auto mode, and falls back to hashing with a reason when it cannot load', async () => {
    const modelDir = await ensureTinyModel()
    const withModel = await startServer({
      DATA_DIR: await tempDataDir(),
      ADMIN_API_KEY: adminKey,
      EMBEDDINGS_MODEL_DIR: modelDir,
      EMBEDDINGS_MODEL: 'tiny-bert',
      KB_LOAD_DEMO: 'false',
      TRAINING_LOAD_DEFAULTS: 'false',
    })
    await withModel.waitFor(/"msg":"ready"/)
    const ready = (await (await fetch(`${withModel.url}/readyz`)).json()) as { checks: { embeddings: Record<string, string> } }
    expect(ready.checks.embeddings).toMatchObject({ requested: 'auto', provider: 'transformers', space: 'transformers:tiny-bert:384' })
    // The model ran (warm-up, logged with its time) before the service said it was ready.
    const lines = withModel.output().split('\n')
    const warmUp = lines.findIndex((line) => line.includes('"msg":"embedding model warmed up"'))
    expect(warmUp).toBeGreaterThan(-1)
    expect(JSON.parse(lines[warmUp]!)).toMatchObject({ embeddings: 'transformers:tiny-bert:384', ms: expect.any(Number) })
    expect(warmUp).toBeLessThan(lines.findIndex((line) => line.includes('"msg":"ready"')))
    expect(await withModel.stop()).toBe(0)

    const without = await startServer({
      DATA_DIR: await tempDataDir(),
      ADMIN_API_KEY: adminKey,
      EMBEDDINGS_MODEL_DIR: '/nonexistent/model',
      KB_LOAD_DEMO: 'false',
      TRAINING_LOAD_DEFAULTS: 'false',
    })
    await without.waitFor(/"msg":"ready"/)
    const warnings = without
      .output()
      .split('\n')
      .filter((line) => /"level":40.*using the built-in hashing embedder/.test(line))
    expect(warnings).toHaveLength(1)
    const fallback = (await (await fetch(`${without.url}/readyz`)).json()) as { checks: { embeddings: Record<string, string> } }
    expect(fallback.checks.embeddings.provider).toBe('hashing')
    expect(fallback.checks.embeddings.reason).toMatch(/\/nonexistent\/model/)
    expect(await without.stop()).toBe(0)
  })
})

describe('examples command line', () => {
  it('imports labelled examples, reports bad lines with their number, and the server learns from them', async () => {
    const dataDir = await tempDataDir()
    const file = join(dataDir, 'examples.jsonl')
    const lines = [
      { text: 'Der Quxolator brummt laut beim Start', department: 'technical' },
      { text: 'Quxolator Geräusch beim Einschalten', department: 'technical', language: 'de' },
      { text: 'missing department' },
      // The NUL is dropped: PostgreSQL could not store it.
      { text: 'Quxolator macht\u0000 Lärm', department: 'technical' },
    ]
    await writeFile(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n{broken\n`)
    const env = {
      DATA_DIR: dataDir,
      ADMIN_API_KEY: adminKey,
      EMBEDDINGS_PROVIDER: 'hashing',
      KB_LOAD_DEMO: 'false',
      TRAINING_LOAD_DEFAULTS: 'false',
      LOG_LEVEL: 'warn',
    }
    const broken = await runCli('src/entry/examples-import-cli.ts', env, [file])
    expect(broken.code).toBe(1)
    expect(broken.output).toMatch(/line 5 is not valid JSON/)
    await writeFile(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`)
    const imported = await runCli('src/entry/examples-import-cli.ts', env, [file])
    expect(imported.code).toBe(1)
    expect(imported.output).toMatch(/4 lines read: 3 examples added, 0 already known, 1 rejected/)
    expect(imported.output).toMatch(/line 3: department/)
    expect((await runCli('src/entry/examples-import-cli.ts', env, [])).code).toBe(2)
  })
})
