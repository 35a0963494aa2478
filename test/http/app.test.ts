import { afterEach, describe, expect, it } from 'vitest'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  const body = (await response.json()) as Record<string, unknown>
  expect(body).toMatchObject({ status, code, type: `urn:inquiry-triage:problem:${code}` })
  expect(body.requestId).toBe(response.headers.get('x-request-id'))
  return body
}

describe.each(testDatabases)('HTTP surface [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  afterEach(async () => sql?.close())
  const setup = async (env?: Record<string, string>) => {
    sql = await database.open()
    t = await createTestApp(sql, env ? { env } : {})
    return t
  }
  const keyCount = async () => (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys'))[0]!.n

  it('answers liveness and readiness with details', async () => {
    await setup()
    expect(await (await t.call('GET', '/healthz')).json()).toMatchObject({ status: 'ok' })
    const ready = await t.call('GET', '/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({
      ready: true,
      checks: { database: { status: 'up', dialect: database.name }, migrations: { status: 'current', pending: [] } },
    })
  })

  it('reports pending migrations as not ready', async () => {
    await setup()
    t.deps.migrations = [...t.deps.migrations, { id: '9999', name: 'future', sql: 'SELECT 1' }]
    const ready = await t.call('GET', '/readyz')
    expect(ready.status).toBe(503)
    expect(await ready.json()).toMatchObject({ ready: false, checks: { migrations: { status: 'pending', pending: ['9999'] } } })
  })

  it('creates, lists and revokes API keys as admin; a revoked key stops working at once', async () => {
    await setup()
    const admin = await t.keyFor('admin')
    const created = await t.call('POST', '/v1/api-keys', { key: admin, json: { name: 'Agent Anna', role: 'agent' } })
    expect(created.status).toBe(201)
    const body = (await created.json()) as { id: string; key: string; role: string }
    expect(body.role).toBe('agent')
    const listed = (await (await t.call('GET', '/v1/api-keys', { key: admin })).json()) as { items: Array<Record<string, unknown>> }
    expect(listed.items.map((item) => item.name)).toContain('Agent Anna')
    expect(JSON.stringify(listed)).not.toContain(body.key)
    // The new agent key authenticates (403 on an admin route, not 401) until it is revoked.
    await expectProblem(await t.call('GET', '/v1/api-keys', { key: body.key }), 403, 'forbidden')
    const revoked = await t.call('DELETE', `/v1/api-keys/${body.id}`, { key: admin })
    expect(revoked.status).toBe(200)
    expect(((await revoked.json()) as { revokedAt: string | null }).revokedAt).not.toBeNull()
    await expectProblem(await t.call('GET', '/v1/api-keys', { key: body.key }), 401, 'unauthorized')
    await expectProblem(await t.call('DELETE', '/v1/api-keys/00000000-0000-4000-8000-000000000000', { key: admin }), 404, 'not_found')
  })

  it('answers 401 for a missing, malformed or unknown key and 403 for a wrong role', async () => {
    await setup()
    const missing = await expectProblem(await t.call('GET', '/v1/api-keys'), 401, 'unauthorized')
    expect(missing.detail).toMatch(/Bearer/)
    await expectProblem(await t.call('GET', '/v1/api-keys', { headers: { authorization: 'Basic abc' } }), 401, 'unauthorized')
    await expectProblem(await t.call('GET', '/v1/api-keys', { key: 'itk_not-a-real-key' }), 401, 'unauthorized')
    for (const role of ['integration', 'agent', 'lead'] as const) {
      await expectProblem(await t.call('GET', '/v1/api-keys', { key: await t.keyFor(role) }), 403, 'forbidden')
    }
  })

  it('rejects bad input with problem details and stores nothing', async () => {
    await setup()
    const admin = await t.keyFor('admin')
    const before = await keyCount()
    const malformed = await t.call('POST', '/v1/api-keys', {
      key: admin,
      body: '{"name": "x",',
      headers: { 'content-type': 'application/json' },
    })
    await expectProblem(malformed, 400, 'bad_request')
    const form = await t.call('POST', '/v1/api-keys', {
      key: admin,
      body: 'name=x&role=agent',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    await expectProblem(form, 415, 'unsupported_media_type')
    const invalid = await expectProblem(
      await t.call('POST', '/v1/api-keys', { key: admin, json: { name: '', role: 'boss' } }),
      422,
      'validation_failed',
    )
    expect((invalid.errors as Array<{ field: string }>).map((error) => error.field).sort()).toEqual(['name', 'role'])
    const unknownField = await expectProblem(
      await t.call('POST', '/v1/api-keys', { key: admin, json: { name: 'a', role: 'agent', extra: 1 } }),
      422,
      'validation_failed',
    )
    expect(JSON.stringify(unknownField.errors)).toContain('extra')
    await expectProblem(await t.call('POST', '/v1/api-keys', { key: admin, json: [1, 2] }), 422, 'validation_failed')
    expect(await keyCount()).toBe(before)
    expect((await t.call('GET', '/healthz')).status).toBe(200)
  })

  it('rejects bodies over the limit with 413, whether the length is declared or streamed', async () => {
    await setup()
    const admin = await t.keyFor('admin')
    const before = await keyCount()
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10), role: 'agent' })
    await expectProblem(
      await t.call('POST', '/v1/api-keys', { key: admin, body: big, headers: { 'content-type': 'application/json' } }),
      413,
      'payload_too_large',
    )
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(64 * 1024)))
        controller.close()
      },
    })
    const streamed = await t.app.request('/v1/api-keys', {
      method: 'POST',
      body: chunks,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      duplex: 'half',
    } as RequestInit)
    await expectProblem(streamed, 413, 'payload_too_large')
    expect(await keyCount()).toBe(before)
  })

  it('honours a configured body limit', async () => {
    await setup({ BODY_LIMIT_BYTES: '2048' })
    const admin = await t.keyFor('admin')
    const body = JSON.stringify({ name: 'y'.repeat(3000), role: 'agent' })
    await expectProblem(
      await t.call('POST', '/v1/api-keys', { key: admin, body, headers: { 'content-type': 'application/json' } }),
      413,
      'payload_too_large',
    )
  })

  it('answers unknown routes with 404 and wrong methods with 405 and an Allow header', async () => {
    await setup()
    await expectProblem(await t.call('GET', '/nowhere'), 404, 'not_found')
    const wrongMethod = await t.call('PUT', '/healthz')
    await expectProblem(wrongMethod, 405, 'method_not_allowed')
    expect(wrongMethod.headers.get('allow')).toContain('GET')
    const wrongOnV1 = await t.call('PATCH', '/v1/api-keys', { key: await t.keyFor('admin') })
    await expectProblem(wrongOnV1, 405, 'method_not_allowed')
    expect(wrongOnV1.headers.get('allow')).toMatch(/GET.*POST|POST.*GET/)
  })

  it('keeps a caller-supplied request id and makes one otherwise', async () => {
    await setup()
    const own = await t.call('GET', '/healthz', { headers: { 'x-request-id': 'helpdesk-123' } })
    expect(own.headers.get('x-request-id')).toBe('helpdesk-123')
    const made = await t.call('GET', '/healthz')
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const logged = t.logger.records.find((record) => record.fields.requestId === 'helpdesk-123')
    expect(logged?.fields).toMatchObject({ method: 'GET', path: '/healthz', status: 200 })
  })

  it('serves an OpenAPI document generated from the schemas and an API page', async () => {
    await setup()
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as {
      openapi: string
      paths: Record<string, Record<string, unknown>>
      components: { schemas: Record<string, unknown> }
    }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/v1/api-keys', '/v1/api-keys/{id}']))
    expect(Object.keys(doc.paths['/v1/api-keys']!)).toEqual(expect.arrayContaining(['get', 'post']))
    expect(doc.components.schemas).toHaveProperty('CreateApiKey')
    expect(doc.components.schemas).toHaveProperty('Problem')
    const page = await t.call('GET', '/docs')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
    expect(await page.text()).toContain('/openapi.json')
  })
})
