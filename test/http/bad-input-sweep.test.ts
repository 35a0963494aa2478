// Bad input must get a clear 4xx, never a 500. This sweep sends every JSON route a valid body with one
// field at a time replaced by a value of the wrong kind (null, numbers, empty, 60 000 characters, a NUL,
// emoji, arrays, objects) or removed, or an unknown field added; every list route odd query values; every
// id route odd ids; and the JSON routes bodies that are not objects. A NUL answered 500 on most routes
// before this sweep existed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Sql } from '../../src/storage/sql.js'
import type { TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { openSeeded } from '../helpers/seed.js'
import { uiClient } from '../helpers/ui-client.js'

type Json = Record<string, unknown>

const oddValues: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  true,
  '',
  ' ',
  'x'.repeat(60_000),
  'a\u0000b',
  '🔥',
  '<script>',
  [],
  ['x'],
  {},
  { a: 1 },
  'technical',
  '00000000-0000-4000-8000-000000000000',
  'javascript:alert(1)',
]
const oddQueryValues = [
  '',
  ' ',
  'a%00b',
  'x'.repeat(3000),
  '-1',
  '0',
  '1e400',
  '1.5',
  '%25',
  "'",
  '%F0%9F%94%A5',
  '%E2%80%8B',
  '%FF',
  'null',
  '[]',
  'true',
  '00000000-0000-4000-8000-000000000000',
]
const oddIds = ['x', 'a%00b', '00000000-0000-4000-8000-000000000000', 'x'.repeat(3000), '%F0%9F%94%A5', '%FF', '..']

/** Paths to every field of `value` (objects and arrays alike), plus an unknown field beside each level's own. */
function fieldPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix]
  const own = Object.keys(value).flatMap((key) => fieldPaths((value as Json)[key], [...prefix, key]))
  return [...(prefix.length > 0 ? [prefix] : []), ...own, [...prefix, 'unknownField']]
}

/** A copy of `root` with the field at `path` set to `value`, or removed when `value` is undefined. */
function withField(root: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(root) as Json
  let node = copy
  for (const key of path.slice(0, -1)) node = node[key] as Json
  if (value === undefined) delete node[path.at(-1)!]
  else node[path.at(-1)!] = value
  return copy
}

describe.each(testDatabases)('bad input never answers 5xx [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  const serverErrors: string[] = []

  beforeAll(async () => {
    ;({ sql, t } = await openSeeded(database))
  })
  afterAll(async () => sql?.close())
  beforeEach(() => void (serverErrors.length = 0))

  /** Calls the route and records it when the answer is a 5xx or a 4xx without problem details. */
  async function send(
    method: string,
    path: string,
    options: { json?: unknown; body?: string; role?: 'admin' | 'lead' } = {},
  ): Promise<Response> {
    const key = await t.keyFor(options.role ?? 'admin')
    const response =
      options.body !== undefined
        ? await t.call(method, path, { key, body: options.body, headers: { 'content-type': 'application/json' } })
        : await t.call(method, path, { key, ...(options.json !== undefined ? { json: options.json } : {}) })
    const what = `${method} ${path.slice(0, 120)} ${JSON.stringify(options.json ?? options.body)?.slice(0, 120) ?? ''}`
    if (response.status >= 500) serverErrors.push(`${response.status} ${what}`)
    else if (response.status >= 400 && !(response.headers.get('content-type') ?? '').startsWith('application/problem+json'))
      serverErrors.push(`${response.status} without problem details: ${what}`)
    return response
  }

  async function sweepBody(method: string, path: string | (() => Promise<string>), valid: unknown, role: 'admin' | 'lead' = 'admin') {
    for (const field of fieldPaths(valid)) {
      for (const value of [...oddValues, undefined]) {
        await send(method, typeof path === 'string' ? path : await path(), { json: withField(valid, field, value), role })
      }
    }
  }

  /** A fresh escalated inquiry, with a subject as long as allowed. */
  async function escalated(): Promise<{ inquiryId: string; escalationId: string }> {
    const response = await send('POST', '/v1/triage', {
      json: { subject: 'Rauch '.repeat(160).trim(), body: 'Aus dem Gerät kommt Rauch und es riecht verschmort!' },
    })
    const result = (await response.json()) as { inquiryId: string; escalation: { id: string } | null }
    // A set-up step, not a sweep: say what came back instead of failing later on a missing id.
    if (!result.escalation)
      throw new Error(`expected an escalated inquiry, got ${response.status}: ${JSON.stringify(result).slice(0, 600)}`)
    return { inquiryId: result.inquiryId, escalationId: result.escalation.id }
  }

  it('JSON bodies: every field of a valid body replaced by an odd value, removed, or an unknown one added', async () => {
    await t.keyFor('lead')
    const leadKeyId = ((await (await send('GET', '/v1/api-keys')).json()) as { items: Array<{ id: string; role: string }> }).items.find(
      (key) => key.role === 'lead',
    )!.id
    await sweepBody('POST', '/v1/triage', {
      subject: 'Rechnung',
      body: 'Meine Rechnung ist falsch.',
      language: 'de',
      channel: 'email',
      externalId: 'E-1',
      customer: { id: 'C-1', name: 'Frau Berger', email: 'berger@example.de', tier: 'premium' },
      metadata: { receivedAt: new Date().toISOString(), tags: ['a'] },
    })
    await sweepBody('POST', '/v1/examples', { examples: [{ text: 'Der Drucker druckt nicht.', department: 'technical', language: 'de' }] })
    await sweepBody('POST', '/v1/kb/articles', {
      articles: [
        {
          externalId: 'sweep',
          title: 'Titel',
          body: 'Der Text des Artikels.',
          language: 'de',
          department: 'technical',
          tags: ['a'],
          url: 'https://example.com/a',
        },
      ],
    })
    await sweepBody('POST', '/v1/api-keys', { name: 'Sweep', role: 'agent' })
    await sweepBody('POST', '/v1/integrations', {
      name: 'sweep',
      type: 'zammad',
      secret: 'abcdefghijklmnopqrstuvwxyz',
      apiBaseUrl: 'https://zammad.example',
      apiToken: 'token',
      departmentGroups: { technical: 'Technik' },
    })
    expect(
      (await send('POST', '/v1/integrations', { json: { name: 'sweep-base', type: 'zammad', secret: 'abcdefghijklmnopqrstuvwxyz' } }))
        .status,
    ).toBe(201)
    await sweepBody('PATCH', '/v1/integrations/sweep-base', {
      secret: 'zyxwvutsrqponmlkjihgfedcba',
      apiBaseUrl: 'https://zammad.example',
      apiToken: 'token',
      departmentGroups: { commercial: 'Vertrieb' },
    })
    const { inquiryId } = await escalated()
    await sweepBody('POST', `/v1/inquiries/${inquiryId}/feedback`, {
      usedArticleId: null,
      edited: true,
      rating: 3,
      correctDepartment: 'commercial',
      comment: 'Passt.',
    })
    // Each case is resolved or reassigned at most once, so every attempt gets a fresh one.
    const freshCase = async (action: string) => `/v1/escalations/${(await escalated()).escalationId}/${action}`
    await sweepBody(
      'POST',
      () => freshCase('resolve'),
      {
        resolution: 'Erledigt.',
        finalDepartment: 'commercial',
        reply: 'Die Antwort an den Kunden.',
        addToKnowledgeBase: true,
        articleTitle: 'Titel',
      },
      'lead',
    )
    await sweepBody('POST', () => freshCase('reassign'), { toKeyId: leadKeyId }, 'lead')
    await sweepBody('POST', '/v1/reports/knowledge-gaps/drafts', {
      title: 'Router zurücksetzen',
      inquiryIds: [inquiryId],
      department: 'technical',
    })
    await sweepBody('POST', '/v1/data-subjects/erase', { email: 'sweep-nobody@example.com' })
    await sweepBody('POST', '/v1/data-subjects/erase', { customerId: 'KD-SWEEP-NOBODY' })
    expect(serverErrors).toEqual([])
  }, 600_000)

  it('bodies that are not a JSON object', async () => {
    const bodies = [
      '',
      'null',
      '[]',
      '"x"',
      '1',
      '{"body":"a"',
      '{"body":"\\ud800 Rechnung"}',
      '{"body":"x","body":"Rechnung"}',
      '{"__proto__":{"admin":true},"body":"Rechnung"}',
    ]
    for (const path of ['/v1/triage', '/v1/examples', '/v1/kb/articles', '/v1/api-keys', '/v1/integrations', '/v1/data-subjects/erase']) {
      for (const body of bodies) await send('POST', path, { body })
    }
    expect(serverErrors).toEqual([])
  }, 120_000)

  it('query strings and ids', async () => {
    const lists: Record<string, string[]> = {
      '/v1/kb/search': ['q', 'k', 'department', 'language'],
      '/v1/kb/articles': ['status', 'limit', 'cursor'],
      '/v1/jobs': ['status', 'queue', 'limit', 'cursor'],
      '/v1/inquiries': ['status', 'department', 'escalated', 'q', 'limit', 'cursor'],
      '/v1/escalations': ['status', 'department', 'overdue', 'limit', 'cursor'],
      '/v1/audit': ['entityType', 'entityId', 'limit', 'cursor'],
      '/v1/data-subjects/export': ['email', 'customerId'],
      '/v1/reports/overview': ['from', 'to', 'department', 'granularity'],
      '/v1/reports/knowledge-gaps': ['from', 'to', 'department'],
      '/v1/reports/training-needs': ['from', 'to', 'department'],
    }
    for (const [path, parameters] of Object.entries(lists)) {
      for (const parameter of parameters) for (const value of oddQueryValues) await send('GET', `${path}?q=Rechnung&${parameter}=${value}`)
    }
    const idRoutes = [
      'GET /v1/inquiries/$',
      'GET /v1/kb/articles/$',
      'DELETE /v1/kb/articles/$',
      'POST /v1/kb/articles/$/publish',
      'GET /v1/jobs/$',
      'POST /v1/jobs/$/retry',
      'GET /v1/escalations/$',
      'POST /v1/escalations/$/claim',
      'POST /v1/escalations/$/release',
      'GET /v1/integrations/$',
      'DELETE /v1/integrations/$',
      'DELETE /v1/api-keys/$',
      'POST /v1/webhooks/$',
      'DELETE /v1/inquiries/$',
    ]
    for (const route of idRoutes) {
      const [method, path] = route.split(' ') as [string, string]
      for (const id of oddIds) await send(method, path.replace('$', id))
    }
    expect(serverErrors).toEqual([])
  }, 120_000)

  it('the web UI: every form field odd, odd query values and ids, odd sign-in keys (HTML pages, no 5xx)', async () => {
    const lead = uiClient(t)
    await lead.signIn(await t.keyFor('lead'))
    const csrf = await lead.csrf()
    const odd = [
      '',
      ' ',
      'x'.repeat(60_000),
      'a\u0000b',
      '🔥',
      '<script>',
      'on',
      '-1',
      '1e400',
      '00000000-0000-4000-8000-000000000000',
      'technical',
      'none',
      '%00',
    ]
    const record = (what: string, status: number) => void (status >= 500 && serverErrors.push(`${status} ${what.slice(0, 160)}`))
    const forms: Array<[(ids: { inquiryId: string; escalationId: string }) => string, Record<string, string>]> = [
      [
        ({ inquiryId }) => `/ui/inquiries/${inquiryId}/feedback`,
        { usedArticleId: 'none', edited: 'on', rating: '3', correctDepartment: 'commercial', comment: 'Passt.' },
      ],
      [
        ({ escalationId }) => `/ui/escalations/${escalationId}/resolve`,
        { resolution: 'Erledigt.', finalDepartment: 'commercial', reply: 'Die Antwort.', addToKnowledgeBase: 'on', articleTitle: 'Titel' },
      ],
      [({ escalationId }) => `/ui/escalations/${escalationId}/reassign`, { toKeyId: '00000000-0000-4000-8000-000000000000' }],
      [({ escalationId }) => `/ui/escalations/${escalationId}/claim`, {}],
    ]
    for (const [pathOf, valid] of forms) {
      for (const field of [...Object.keys(valid), 'unknownField', 'next']) {
        for (const value of odd) {
          const path = pathOf(await escalated())
          record(`POST ${path} ${field}=${value.slice(0, 20)}`, (await lead.post(path, { _csrf: csrf, ...valid, [field]: value })).status)
        }
      }
    }
    const pageParameters: Array<[string[], string[]]> = [
      [
        ['/ui', '/ui/inquiries', '/ui/escalations', '/ui/kb', '/ui/kb/drafts'],
        ['q', 'department', 'status', 'overdue', 'cursor', 'lang', 'done', 'feedback'],
      ],
      [
        ['/ui/reports', '/ui/reports/overview.csv'],
        ['from', 'to', 'department', 'granularity'],
      ],
    ]
    for (const [pages, parameters] of pageParameters) {
      for (const page of pages)
        for (const parameter of parameters)
          for (const value of oddQueryValues)
            record(`GET ${page}?${parameter}=${value.slice(0, 20)}`, (await lead.get(`${page}?${parameter}=${value}`)).status)
    }
    for (const page of ['/ui/reports/knowledge-gaps', '/ui/reports/knowledge-gaps/csv', '/ui/reports/training-needs']) {
      for (const parameter of ['from', 'to', 'department'])
        for (const value of oddQueryValues)
          record(`GET ${page}?${parameter}=${value.slice(0, 20)}`, (await lead.get(`${page}?${parameter}=${value}`)).status)
    }
    for (const field of ['title', 'inquiryIds', 'articleDepartment', 'from', 'to', 'department'])
      for (const value of odd)
        record(
          `POST /ui/reports/knowledge-gaps/drafts ${field}=${value.slice(0, 20)}`,
          (
            await lead.post('/ui/reports/knowledge-gaps/drafts', {
              _csrf: csrf,
              title: 'Titel',
              inquiryIds: (await escalated()).inquiryId,
              [field]: value,
            })
          ).status,
        )
    for (const page of ['/ui/inquiries/', '/ui/escalations/', '/ui/kb/articles/'])
      for (const id of oddIds) record(`GET ${page}${id.slice(0, 20)}`, (await lead.get(page + id)).status)
    const visitor = uiClient(t)
    for (const key of odd) {
      const signIn = await visitor.get('/ui/sign-in')
      const token = /name="_csrf" value="([^"]+)"/.exec(signIn.html)?.[1] ?? ''
      record(`sign-in key=${key.slice(0, 20)}`, (await visitor.post('/ui/sign-in', { _csrf: token, key, next: key })).status)
    }
    expect(serverErrors).toEqual([])
  }, 900_000) // alone about 110 s on PostgreSQL; a loaded 2-core machine has taken over 300 s
})
