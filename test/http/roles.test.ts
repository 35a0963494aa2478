// Every route against every role: the table below says who may call what, and the test reads the
// routes from the OpenAPI document, so a new route without an entry here fails instead of slipping by.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { revokeApiKey } from '../../src/auth/api-keys.js'
import { createApiKey } from '../../src/auth/api-keys.js'
import type { Role } from '../../src/auth/roles.js'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

const everyone: Role[] = ['integration', 'agent', 'lead', 'admin']
const people: Role[] = ['agent', 'lead', 'admin']
const leads: Role[] = ['lead', 'admin']
const admins: Role[] = ['admin']

/** "METHOD path" → the roles that get through; `public` routes need no key at all. */
const access: Record<string, Role[] | 'public'> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'POST /v1/webhooks/{integration}': 'public', // signed by the helpdesk instead
  'POST /v1/api-keys': admins,
  'GET /v1/api-keys': admins,
  'DELETE /v1/api-keys/{id}': admins,
  'POST /v1/triage': everyone,
  'GET /v1/inquiries/{id}': everyone,
  'DELETE /v1/inquiries/{id}': leads,
  'POST /v1/data-subjects/erase': admins,
  'GET /v1/data-subjects/export': admins,
  'GET /v1/inquiries': people,
  'POST /v1/inquiries/{id}/feedback': people,
  'POST /v1/examples': leads,
  'POST /v1/kb/articles': leads,
  'GET /v1/kb/articles': people,
  'GET /v1/kb/articles/{id}': people,
  'DELETE /v1/kb/articles/{id}': leads,
  'PATCH /v1/kb/articles/{id}': leads,
  'POST /v1/staffing/erlang-c': leads,
  'GET /v1/staffing/settings': leads,
  'PUT /v1/staffing/settings': leads,
  'GET /v1/reports/staffing': leads,
  'GET /v1/reports/overview': leads,
  'GET /v1/reports/knowledge-gaps': leads,
  'POST /v1/reports/knowledge-gaps/drafts': leads,
  'GET /v1/reports/training-needs': leads,
  'POST /v1/kb/articles/{id}/publish': leads,
  'GET /v1/kb/search': people,
  'GET /v1/escalations': leads,
  'GET /v1/escalations/{id}': leads,
  'POST /v1/escalations/{id}/claim': leads,
  'POST /v1/escalations/{id}/release': leads,
  'POST /v1/escalations/{id}/reassign': leads,
  'POST /v1/escalations/{id}/resolve': leads,
  'GET /v1/escalation-policy': leads,
  'GET /v1/escalation-policy/versions/{version}': leads,
  'PUT /v1/escalation-policy': admins,
  'POST /v1/accounts': leads,
  'GET /v1/accounts': leads,
  'GET /v1/audit': admins,
  'GET /v1/integrations': admins,
  'POST /v1/integrations': admins,
  'GET /v1/integrations/{name}': admins,
  'PATCH /v1/integrations/{name}': admins,
  'DELETE /v1/integrations/{name}': admins,
  'GET /v1/jobs': admins,
  'GET /v1/jobs/{id}': admins,
  'POST /v1/jobs/{id}/retry': admins,
}

const someId = '00000000-0000-4000-8000-000000000000'
const concrete = (path: string) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' ? someId : name === 'version' ? '999' : 'no-such-name'))

// Roles are checked before anything touches the database, so one database is enough.
describe('every route against every role', () => {
  let sql: Sql
  let t: TestApp
  const keys = new Map<Role | 'revoked', string>()
  beforeAll(async () => {
    sql = await testDatabases[0]!.open()
    t = await createTestApp(sql)
    for (const role of everyone) keys.set(role, await t.keyFor(role))
    const revoked = await createApiKey(t.deps, { name: 'revoked lead', role: 'lead' })
    await revokeApiKey(t.deps, revoked.id)
    keys.set('revoked', revoked.key)
  })
  afterAll(async () => sql?.close())

  it('the table covers exactly the documented routes', async () => {
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> }
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    )
    expect(documented.sort()).toEqual(Object.keys(access).sort())
  })

  it.each(Object.entries(access).filter(([, roles]) => roles !== 'public'))('%s', async (route, allowed) => {
    const [method, path] = route.split(' ') as [string, string]
    const call = (key?: string) =>
      t.call(method, concrete(path), { ...(key ? { key } : {}), ...(method === 'GET' || method === 'DELETE' ? {} : { json: {} }) })
    const outcome: Record<string, number> = {}
    outcome.none = (await call()).status
    outcome.revoked = (await call(keys.get('revoked'))).status
    for (const role of everyone) outcome[role] = (await call(keys.get(role)!)).status
    const expected = Object.fromEntries(
      Object.keys(outcome).map((who) => [
        who,
        who === 'none' || who === 'revoked' ? 401 : (allowed as Role[]).includes(who as Role) ? 'through' : 403,
      ]),
    )
    const seen = Object.fromEntries(
      Object.entries(outcome).map(([who, status]) => [who, status === 401 || status === 403 ? status : 'through']),
    )
    expect(seen).toEqual(expected)
  })
})
