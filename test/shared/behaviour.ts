// Behaviour both entries must show for the routes they share: the Node server and the Worker on workerd
// run these same tests against a real HTTP endpoint on a fresh PostgreSQL schema, each with its own admin key.
import { expect, it } from 'vitest'

export interface Endpoint {
  url: string
  adminKey: string
}

type Json = Record<string, any>

/** Registers the shared tests; `endpoint` is read when they run (after the caller's beforeAll). */
export function sharedBehaviour(endpoint: () => Endpoint): void {
  const call = async (method: string, path: string, options: { key?: string; json?: unknown } = {}) => {
    const { url, adminKey } = endpoint()
    const key = options.key === undefined ? adminKey : options.key
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
    })
    const text = await response.text()
    const type = response.headers.get('content-type') ?? ''
    return { status: response.status, type, body: (/json/.test(type) ? JSON.parse(text) : text) as Json & string }
  }

  it('is live and ready, with the database up and every migration applied', async () => {
    expect((await call('GET', '/healthz', { key: '' })).status).toBe(200)
    const ready = await call('GET', '/readyz', { key: '' })
    expect(ready.status, JSON.stringify(ready.body)).toBe(200)
    expect(ready.body.checks.database).toMatchObject({ status: 'up' })
    expect(ready.body.checks.migrations).toMatchObject({ status: 'current', pending: [] })
  })

  it('answers a missing or unknown key with a 401 problem, and a role without the right with 403', async () => {
    for (const key of ['', 'itk_not-a-key-at-all-0000000000000000']) {
      const refused = await call('GET', '/v1/api-keys', { key })
      expect(refused.status).toBe(401)
      expect(refused.type).toBe('application/problem+json')
      expect(refused.body).toMatchObject({ status: 401, code: 'unauthorized' })
    }
    const agent = await call('POST', '/v1/api-keys', { json: { name: 'shared agent', role: 'agent' } })
    expect(agent.status).toBe(201)
    const forbidden = await call('GET', '/v1/api-keys', { key: agent.body.key })
    expect(forbidden).toMatchObject({ status: 403, body: { code: 'forbidden' } })
  })

  it('creates, lists and revokes API keys; a bad body is a 422 naming the field and creates nothing', async () => {
    const bad = await call('POST', '/v1/api-keys', { json: { name: 'x', role: 'superuser' } })
    expect(bad.status).toBe(422)
    expect(bad.body.errors.map((error: Json) => error.field)).toContain('role')
    const created = await call('POST', '/v1/api-keys', { json: { name: 'shared lead', role: 'lead' } })
    expect(created.status).toBe(201)
    const listed = await call('GET', '/v1/api-keys')
    const names = (listed.body.items ?? listed.body).map((item: Json) => item.name)
    expect(names).toContain('shared lead')
    expect(names).not.toContain('x')
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key)
    expect((await call('GET', '/v1/kb/articles', { key: created.body.key })).status).toBe(200)
    expect((await call('DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(200)
    expect((await call('GET', '/v1/kb/articles', { key: created.body.key })).status).toBe(401)
  })

  it('writes an article, finds it by words and by meaning, and refuses a search without a query', async () => {
    const article = {
      externalId: 'shared-q77',
      title: 'Zephyrkessel ZK-9 meldet Q77',
      body: 'Meldung Q77 am Zephyrkessel bedeutet, dass der Quirlfilter verstopft ist. Quirlfilter ausbauen und spülen.',
      language: 'de',
      department: 'technical',
    }
    const written = await call('POST', '/v1/kb/articles', { json: { articles: [article] } })
    expect(written.status, JSON.stringify(written.body)).toBe(200)
    expect(written.body.failed).toEqual([])
    const found = await call('GET', `/v1/kb/search?q=${encodeURIComponent('Zephyrkessel Q77 Quirlfilter')}&k=3`)
    expect(found.status).toBe(200)
    expect(found.body.results[0]).toMatchObject({ externalId: 'shared-q77' })
    const missing = await call('GET', '/v1/kb/search?k=3')
    expect(missing.status).toBe(422)
    expect(missing.type).toBe('application/problem+json')
  })

  it('triages an inquiry with the contract fields, stores it, and refuses an empty body with a 422 at the field', async () => {
    const agent = await call('POST', '/v1/api-keys', { json: { name: 'shared triage agent', role: 'agent' } })
    const body = 'Guten Tag, meine Rechnung vom März ist doppelt abgebucht worden. Bitte erstatten Sie den Betrag.'
    const triaged = await call('POST', '/v1/triage', { key: agent.body.key, json: { subject: 'Doppelte Abbuchung', body } })
    expect(triaged.status, JSON.stringify(triaged.body)).toBe(200)
    expect(triaged.body).toMatchObject({
      inquiryId: expect.any(String),
      language: 'de',
      department: expect.stringMatching(/^(technical|commercial)$/),
      escalation: { escalate: expect.any(Boolean), reasons: expect.any(Array) },
      suggestions: expect.any(Array),
    })
    expect(triaged.body.confidence).toBeGreaterThanOrEqual(0)
    expect(triaged.body.confidence).toBeLessThanOrEqual(1)
    const stored = await call('GET', `/v1/inquiries/${triaged.body.inquiryId}`, { key: agent.body.key })
    expect(stored.status).toBe(200)
    expect(stored.body.department).toBe(triaged.body.department)
    const empty = await call('POST', '/v1/triage', { key: agent.body.key, json: { body: '' } })
    expect(empty.status).toBe(422)
    expect(empty.body.errors.map((error: Json) => error.field)).toContain('body')
  })

  it('answers an unknown path with a 404 problem and serves the OpenAPI document and the sign-in page', async () => {
    const unknown = await call('GET', '/v1/no-such-route')
    expect(unknown.status).toBe(404)
    expect(unknown.type).toBe('application/problem+json')
    const document = await call('GET', '/openapi.json', { key: '' })
    expect(document.status).toBe(200)
    expect(document.body.paths['/v1/triage']).toBeDefined()
    const signIn = await call('GET', '/ui/sign-in', { key: '' })
    expect(signIn.status).toBe(200)
    expect(signIn.type).toMatch(/text\/html/)
    expect(signIn.body).toMatch(/<form/)
  })
}
