// The OpenAPI document is what client generators and readers of /docs see: every operation needs a stable
// operationId and words saying what it does; the webhook, which takes no API key, must say which headers
// prove the sender and what body each helpdesk sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

interface Parameter {
  name: string
  in: string
  required?: boolean
  description?: string
}
interface Operation {
  operationId?: string
  summary?: string
  description?: string
  parameters?: Parameter[]
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Record<string, unknown> }> }
}
interface Document {
  paths: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, { description?: string }> }
}

const methods = ['get', 'post', 'put', 'patch', 'delete']

describe('the OpenAPI document', () => {
  let sql: Sql
  let t: TestApp
  let document: Document
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      methods.filter((method) => item[method]).map((method) => ({ name: `${method.toUpperCase()} ${path}`, operation: item[method]! })),
    )

  beforeAll(async () => {
    sql = await testDatabases[0]!.open()
    t = await createTestApp(sql)
    document = (await (await t.call('GET', '/openapi.json')).json()) as Document
  })
  afterAll(async () => sql?.close())

  it('gives every operation a unique camelCase operationId, a summary and a description', () => {
    const all = operations()
    expect(all.length).toBeGreaterThan(30)
    const missing = all.filter(
      ({ operation }) =>
        !/^[a-z][a-zA-Z]+$/.test(operation.operationId ?? '') || !operation.summary?.trim() || !operation.description?.trim(),
    )
    expect(missing.map(({ name }) => name)).toEqual([])
    const ids = all.map(({ operation }) => operation.operationId)
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([])
  })

  it('names the operations after what they do', () => {
    const idOf = (method: string, path: string) => document.paths[path]?.[method]?.operationId
    expect(idOf('post', '/v1/triage')).toBe('triageInquiry')
    expect(idOf('get', '/v1/inquiries/{id}')).toBe('getInquiry')
    expect(idOf('delete', '/v1/inquiries/{id}')).toBe('deleteInquiry')
    expect(idOf('post', '/v1/data-subjects/erase')).toBe('eraseDataSubject')
    expect(idOf('get', '/v1/escalations')).toBe('listEscalations')
    expect(idOf('post', '/v1/escalations/{id}/claim')).toBe('claimEscalation')
    expect(idOf('post', '/v1/webhooks/{integration}')).toBe('receiveWebhook')
  })

  it("documents the webhook's signature headers, each optional, and its body per helpdesk", () => {
    const webhook = document.paths['/v1/webhooks/{integration}']!.post!
    const headers = (webhook.parameters ?? []).filter((parameter) => parameter.in === 'header')
    const names = headers.map((parameter) => parameter.name.toLowerCase())
    for (const name of [
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
      'x-hub-signature',
      'x-zendesk-webhook-signature',
      'x-zendesk-webhook-signature-timestamp',
      'x-triage-token',
      'authorization',
    ]) {
      expect(names).toContain(name)
    }
    expect(headers.filter((parameter) => parameter.required)).toEqual([])
    expect(headers.every((parameter) => parameter.description)).toBe(true)

    const schema = webhook.requestBody?.content?.['application/json']?.schema as {
      anyOf?: Array<{ $ref: string }>
      oneOf?: Array<{ $ref: string }>
    }
    const shapes = (schema?.anyOf ?? schema?.oneOf ?? []).map((entry) => entry.$ref.replace('#/components/schemas/', ''))
    const components = document.components?.schemas ?? {}
    for (const shape of shapes) expect(components[shape], shape).toBeDefined()
    const described = shapes.map((shape) => components[shape]?.description ?? '').join('\n')
    for (const type of ['generic', 'zammad', 'zendesk', 'freshdesk']) expect(described).toContain(`${type}:`)
  })

  it('refers only to schemas it defines, and the reference page shows the webhook headers', async () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!)
    expect(refs.filter((name) => !document.components?.schemas?.[name])).toEqual([])
    const page = await t.call('GET', '/docs')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<code>X-Hub-Signature</code>')
  })

  it('still leaves the webhook body to the signature check: an unsigned non-JSON body is 401, not 415 or 422', async () => {
    const response = await t.call('POST', '/v1/webhooks/nobody', { body: 'not json', headers: { 'content-type': 'text/plain' } })
    expect(response.status).toBe(401)
  })
})
