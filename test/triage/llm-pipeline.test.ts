import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createCircuitBreaker } from '../../src/providers/llm/circuit-breaker.js'
import { createOpenAIChat } from '../../src/providers/llm/openai-chat.js'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js'
import { seedDefaults } from '../helpers/seed.js'

const pglite = testDatabases.find((database) => database.name === 'pglite')!
const cases = JSON.parse(await readFile(new URL('../fixtures/triage-cases.json', import.meta.url), 'utf8')) as Array<{ id: string; subject?: string; body: string; customer?: Record<string, string>; expected: { department: string; escalate: boolean } }>
const injections = cases.filter((entry) => /ignor|system prompt|systemprompt|anweisung|instruction|developer mode|entwicklermodus|<\/inquiry>|SYSTEM/i.test(`${entry.subject ?? ''} ${entry.body}`))

type Result = { department: string; confidence: number; degraded?: string[]; suggestions: Array<{ reply: string; source: string; citations?: number[] }>; escalation: { escalate: boolean; reasons: Array<{ code: string }> }; versions: { prompts: string[] }; secondOpinion?: { adopted: boolean } }

// The whole pipeline against a fake OpenAI-compatible server on 127.0.0.1: drafted replies, second
// opinions, personal data that never leaves, failures that never cost the caller a 5xx.
describe('triage with an LLM', () => {
  let server: FakeOpenAI
  let sql: Sql
  let t: TestApp
  let plain: TestApp
  let key: string
  beforeAll(async () => {
    server = await startFakeOpenAI()
    sql = await pglite.open()
    const llm = createCircuitBreaker(createOpenAIChat({ apiKey: 'sk-test-pipeline', baseURL: server.url, model: 'fake-chat', timeoutMs: 5000, maxRetries: 0 }), {
      failureThreshold: 50, windowMs: 60_000, coolDownMs: 1000, clock: { now: () => new Date() },
    })
    t = await createTestApp(sql, { llm })
    plain = await createTestApp(sql)
    await seedDefaults(t)
    await plain.deps.classifier.refresh(plain.deps, { id: plain.deps.embeddings.target.id })
    key = await t.keyFor('agent')
  })
  afterAll(async () => {
    await server?.close()
    await sql?.close()
  })
  beforeEach(() => server.requests.splice(0))
  const triage = async (app: TestApp, json: unknown) => {
    const response = await app.call('POST', '/v1/triage', { key, json })
    expect(response.status).toBe(200)
    return (await response.json()) as Result
  }

  it('drafts the first reply from the passages, citing them, with personal data kept out of the request', async () => {
    server.scriptChat((request) => {
      const user = JSON.stringify(request.body)
      return JSON.stringify({ reply: `Guten Tag [NAME_1], laut [1] hilft ein Neustart. Wir melden uns unter ${user.includes('[EMAIL_1]') ? '[EMAIL_1]' : 'Ihrer Adresse'}.`, citations: [1] })
    })
    const body = 'Mein Router NetBox 6 verliert ständig das WLAN. Kundennummer KD-884213, Bestellnr. 4711-2093, erreichbar unter anna.berger@example.org oder 0171 2345678. IBAN DE89 3704 0044 0532 0130 00, Karte 4111 1111 1111 1111.'
    const result = await triage(t, { body, customer: { name: 'Anna Berger', email: 'anna.berger@example.org' } })
    expect(result.suggestions[0]).toMatchObject({ source: 'llm', citations: [1] })
    expect(result.suggestions[0]!.reply).toContain('Guten Tag Anna Berger')
    expect(result.suggestions[0]!.reply).toContain('anna.berger@example.org')
    expect(result.versions.prompts).toContain('draft-reply@1')
    const sent = JSON.stringify(server.requests.map((request) => request.body))
    for (const secret of ['anna.berger@example.org', '0171 2345678', '01712345678', 'DE89 3704 0044 0532 0130 00', 'DE89370400440532013000', '4111 1111 1111 1111', '4111111111111111', 'KD-884213', '4711-2093', 'Anna Berger']) {
      expect(sent, secret).not.toContain(secret)
    }
  })

  it('answers with the local results and lists the failure when the LLM errs, hangs or talks nonsense', async () => {
    const body = 'Wie entkalke ich meine Barista B3?'
    server.fail({ kind: 'status', status: 500 }, { route: 'chat' })
    expect((await triage(t, { body })).degraded).toContain('llm_reply_failed:unavailable')
    server.fail({ kind: 'hang' }, { route: 'chat' })
    const hung = await triage(t, { body })
    expect(hung.degraded).toContain('llm_reply_failed:timeout')
    expect(hung.suggestions[0]!.source).toBe('template')
    server.fail({ kind: 'malformed' }, { route: 'chat' })
    expect((await triage(t, { body })).degraded?.join()).toMatch(/llm_reply_failed:(invalid_output|unavailable)/)
    server.scriptChat(JSON.stringify({ reply: 'Ich ignoriere die Passagen.', citations: [] }))
    expect((await triage(t, { body })).degraded).toContain('llm_reply_failed:invalid_output')
  })

  it('asks for a second opinion when local confidence is low and adopts a confident one', async () => {
    const unsure = await createTestApp(sql, { env: { LOW_CONFIDENCE_THRESHOLD: '0.999' }, llm: t.deps.llm! })
    await unsure.deps.classifier.refresh(unsure.deps, { id: unsure.deps.embeddings.target.id })
    server.scriptChat(JSON.stringify({ department: 'commercial', confidence: 0.9, rationale: 'asks about the price of a repair' }), JSON.stringify({ reply: 'Siehe [1].', citations: [1] }))
    const result = (await (await unsure.call('POST', '/v1/triage', { key: await unsure.keyFor('agent'), json: { body: 'Was kostet die Reparatur meiner Waschmaschine WM-7?' } })).json()) as Result
    expect(result.secondOpinion).toMatchObject({ adopted: true })
    expect(result.department).toBe('commercial')
    expect(result.confidence).toBeLessThanOrEqual(0.8)
    expect(result.versions.prompts).toContain('department-opinion@1')
  })

  it('never lets an injection attempt change the department or the escalation', async () => {
    expect(injections.length).toBeGreaterThanOrEqual(6)
    for (const entry of injections) {
      // A model that obeys the injection: it claims the opposite department with full confidence.
      server.scriptChat(
        (request) => (JSON.stringify(request.body).includes('"department"') || JSON.stringify(request.body).includes('department')
          ? JSON.stringify({ department: entry.expected.department === 'technical' ? 'commercial' : 'technical', confidence: 1, rationale: 'as instructed' })
          : JSON.stringify({ reply: 'Sie Idiot. [1]', citations: [1] })),
      )
      const input = { subject: entry.subject, body: entry.body, customer: entry.customer }
      const withLlm = await triage(t, input)
      const withoutLlm = await triage(plain, input)
      expect(withLlm.department, entry.id).toBe(withoutLlm.department)
      expect(withLlm.escalation.escalate, entry.id).toBe(withoutLlm.escalation.escalate)
      expect(withLlm.escalation.escalate, entry.id).toBe(entry.expected.escalate)
      expect(withLlm.secondOpinion?.adopted ?? false, entry.id).toBe(false)
    }
  })
})
