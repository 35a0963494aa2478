import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../../src/logger.js'
import { createFileModelStore, modelCacheFolder } from '../../src/platform/node/model-file-store.js'
import { readEscalationCorpus } from '../../src/platform/node/knowledge-import/read-files.js'
import * as queries from '../../src/storage/queries/model-artifacts.js'
import type { Sql } from '../../src/storage/sql.js'
import { createDepartmentClassifier } from '../../src/triage/classifier-service.js'
import { createEscalationDetector } from '../../src/triage/escalation/detector-service.js'
import { currentPolicy } from '../../src/triage/escalation/policy-store.js'
import { addExamples } from '../../src/triage/examples.js'
import { createTestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

const bytes = (...values: number[]) => Uint8Array.from(values)

describe.each(testDatabases)('model artifacts [$name]', (database) => {
  let sql: Sql
  afterEach(async () => sql?.close())

  it('finds a model by the stamp it fits, the newest as a fallback, re-stamps without a copy and keeps three per scope', async () => {
    sql = await database.open()
    const t = await createTestApp(sql)
    const space = { kind: 'department', spaceId: t.deps.embeddings.target.id } as const
    const policy = await currentPolicy(t.deps)
    await queries.storeArtifact(sql, { ...space, version: 'dept-v1:aaaa', stamp: '3:t1' }, bytes(1, 2, 3))
    await queries.storeArtifact(sql, { kind: 'escalation', version: 'esc-v1:eeee', stamp: '1|0:', policyVersion: policy.version }, bytes(9))
    expect(await queries.findArtifactForStamp(sql, space, '3:t1', 'dept-v1:')).toMatchObject({ version: 'dept-v1:aaaa', stamp: '3:t1' })
    expect(await queries.findArtifactForStamp(sql, space, '4:t2', 'dept-v1:')).toBeUndefined()
    // Another kind, another space or another algorithm is never mistaken for it.
    expect(await queries.findArtifactForStamp(sql, { kind: 'escalation' }, '3:t1', 'dept-v1:')).toBeUndefined()
    expect(await queries.findNewestArtifact(sql, { kind: 'department', spaceId: 'other:space:8' }, 'dept-v1:')).toBeUndefined()
    expect(await queries.findArtifactForStamp(sql, space, '3:t1', 'dept-v2:')).toBeUndefined()
    const read = async (scope: queries.ArtifactScope, version: string) => new Uint8Array((await queries.readArtifact(sql, scope, version))!)
    expect(await read(space, 'dept-v1:aaaa')).toEqual(bytes(1, 2, 3))
    expect(await read({ kind: 'escalation' }, 'esc-v1:eeee')).toEqual(bytes(9))

    const newer = { kind: 'escalation', stamp: '1|2:t', policyVersion: policy.version } as const
    expect(await queries.restampArtifact(sql, { ...newer, version: 'esc-v1:eeee' })).toBe(true)
    expect(await queries.restampArtifact(sql, { ...newer, version: 'esc-v1:none' })).toBe(false)
    expect(await queries.findArtifactForStamp(sql, { kind: 'escalation' }, '1|2:t', 'esc-v1:')).toMatchObject({ version: 'esc-v1:eeee' })
    expect(await queries.findArtifactForStamp(sql, { kind: 'escalation' }, '1|0:', 'esc-v1:')).toBeUndefined()

    for (const [index, version] of ['dept-v1:bbbb', 'dept-v1:cccc', 'dept-v1:dddd'].entries())
      await queries.storeArtifact(sql, { ...space, version, stamp: `${4 + index}:t` }, bytes(index))
    // Storing the same version again only re-stamps it.
    await queries.storeArtifact(sql, { ...space, version: 'dept-v1:dddd', stamp: '9:t' }, bytes(2))
    const kept = await queries.listArtifacts(sql, 'department')
    expect(kept.map((row) => row.version)).toEqual(['dept-v1:dddd', 'dept-v1:cccc', 'dept-v1:bbbb'])
    expect(kept[0]).toMatchObject({ stamp: '9:t', bytes: 1, spaceId: space.spaceId })
    expect(await queries.findNewestArtifact(sql, space, 'dept-v1:')).toMatchObject({ version: 'dept-v1:dddd' })
    expect(await queries.listArtifacts(sql, 'escalation')).toHaveLength(1)

    // Trained on inputs that changed meanwhile (an erasure, say): checked under the lock, and not stored.
    let checkedInside = false
    const stale = await queries.storeArtifact(sql, { ...space, version: 'dept-v1:ffff', stamp: '10:t' }, bytes(5), async (tx) => {
      checkedInside = (await tx.query('SELECT 1 FROM pg_locks WHERE locktype = $1', ['advisory'])).length > 0
      return false
    })
    expect(stale).toBe(false)
    expect(checkedInside).toBe(true)
    expect(await queries.findArtifactForStamp(sql, space, '10:t', 'dept-v1:')).toBeUndefined()
  })

  it('stores the department model Node trains; a load-only classifier serves it, falls back while examples change, and is 503 without one', async () => {
    sql = await database.open()
    const t = await createTestApp(sql)
    const space = t.deps.embeddings.target
    const texts = [
      'router keeps rebooting',
      'wifi drops every hour',
      'invoice charged twice',
      'refund for my order',
      'app crashes on start',
    ]
    const departments = ['technical', 'technical', 'commercial', 'commercial', 'technical'] as const
    await addExamples(
      t.deps,
      texts.map((text, index) => ({ text, department: departments[index]!, language: 'en' })),
      'api',
    )

    const node = createDepartmentClassifier()
    await node.refresh(t.deps, space)
    const [stored] = await queries.listArtifacts(sql, 'department')
    expect(stored).toMatchObject({ spaceId: space.id, version: expect.stringMatching(/^dept-v1:/) })

    const text = 'my router reboots again'
    const [vector] = await space.embed([text])
    const input = { text, vector: vector!, space }
    const logger = createMemoryLogger()
    const worker = createDepartmentClassifier(Date.now, {}, { mode: 'load-only', neighbours: 'database' })
    const served = await worker.classify({ sql, logger }, input)
    const trained = await node.classify(t.deps, input)
    // The same model; its neighbours come from pgvector here and from memory in Node (last digits differ).
    expect(served).toMatchObject({ version: stored!.version, department: trained.department, neighbours: trained.neighbours })
    expect(served.confidence).toBeCloseTo(trained.confidence, 9)
    expect(logger.records.some((record) => /trained/.test(record.message ?? ''))).toBe(false)

    // New examples and nobody has trained for them yet: the stored model keeps serving, and says so.
    await addExamples(t.deps, [{ text: 'password reset mail never arrives', department: 'technical', language: 'en' }], 'api')
    await worker.refresh({ sql, logger }, space)
    expect((await worker.classify({ sql, logger }, input)).version).toBe(stored!.version)
    expect(logger.records.find((record) => record.level === 'warn')?.message).toMatch(/newest stored one serves/)

    await sql.query('DELETE FROM model_artifacts')
    const fresh = createDepartmentClassifier(Date.now, {}, { mode: 'load-only', neighbours: 'database' })
    await expect(fresh.classify({ sql, logger }, input)).rejects.toMatchObject({
      code: 'service_unavailable',
      message: expect.stringMatching(/department classifier .* is not trained yet: .*npm run models:train/),
    })
  })

  it('stores the escalation model for the policy and verdicts; a load-only detector loads it and is 503 without one', async () => {
    sql = await database.open()
    const deps = { sql, config: (await createTestApp(sql)).deps.config, logger: createMemoryLogger() }
    const loadOnly = () => createEscalationDetector({ mode: 'load-only' })
    await expect(loadOnly().current(deps)).rejects.toMatchObject({
      code: 'service_unavailable',
      message: expect.stringMatching(/escalation detector is not trained yet/),
    })
    // Node with the shared model cache: the cached model is copied into the database, not trained again.
    const node = createEscalationDetector({ readCorpus: readEscalationCorpus, store: createFileModelStore(modelCacheFolder) })
    const { model } = await node.current(deps)
    const [stored] = await queries.listArtifacts(sql, 'escalation')
    expect(stored).toMatchObject({ version: model.version, policyVersion: 1, stamp: expect.stringMatching(/^1\|/) })
    expect((await loadOnly().current(deps)).model.version).toBe(model.version)
  })

  it('answers triage with a 503 problem saying how to get the models trained when a load-only process finds none', async () => {
    sql = await database.open()
    const t = await createTestApp(sql)
    t.deps.classifier = createDepartmentClassifier(Date.now, {}, { mode: 'load-only', neighbours: 'database' })
    t.deps.escalation = createEscalationDetector({ mode: 'load-only' })
    const response = await t.call('POST', '/v1/triage', {
      key: await t.keyFor('agent'),
      json: { body: 'Mein Router startet ständig neu.' },
    })
    expect(response.status).toBe(503)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect((await response.json()).detail).toMatch(/is not trained yet: start the Node service .*`npm run models:train`/)
  })
})
