import { afterEach, describe, expect, it } from 'vitest'
import { upsertArticles } from '../../src/knowledge/ingest.js'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

const article = (externalId: string, extra: Record<string, unknown> = {}) => ({
  externalId,
  title: `Router NetBox 6 ${externalId}`,
  body: '## Neustart\n\nZiehen Sie den Stecker des NetBox 6 für 30 Sekunden, um die WLAN-Verbindung neu aufzubauen.',
  language: 'de',
  department: 'technical',
  ...extra,
})

describe.each(testDatabases)('knowledge-base API [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  afterEach(async () => sql?.close())
  const setup = async () => {
    sql = await database.open()
    t = await createTestApp(sql)
  }

  it('lets leads and admins write, agents read, and nobody else in', async () => {
    await setup()
    const body = { articles: [article('a1')] }
    expect((await t.call('POST', '/v1/kb/articles', { key: await t.keyFor('agent'), json: body })).status).toBe(403)
    expect((await t.call('POST', '/v1/kb/articles', { key: await t.keyFor('integration'), json: body })).status).toBe(403)
    expect((await t.call('POST', '/v1/kb/articles', { json: body })).status).toBe(401)
    const written = await t.call('POST', '/v1/kb/articles', { key: await t.keyFor('lead'), json: body })
    expect(written.status).toBe(200)
    const { items } = (await written.json()) as { items: Array<{ articleId: string }> }
    for (const role of ['agent', 'lead', 'admin'] as const) {
      expect((await t.call('GET', `/v1/kb/articles/${items[0]!.articleId}`, { key: await t.keyFor(role) })).status).toBe(200)
      expect((await t.call('GET', '/v1/kb/search?q=WLAN', { key: await t.keyFor(role) })).status).toBe(200)
    }
    expect((await t.call('GET', '/v1/kb/search?q=WLAN', { key: await t.keyFor('integration') })).status).toBe(403)
    expect((await t.call('DELETE', `/v1/kb/articles/${items[0]!.articleId}`, { key: await t.keyFor('agent') })).status).toBe(403)
  })

  it('upserts in bulk, reports failed articles by index, and writes the rest', async () => {
    await setup()
    const lead = await t.keyFor('lead')
    const response = await t.call('POST', '/v1/kb/articles', {
      key: lead,
      json: { articles: [article('good'), article('empty', { body: '' }), article('extra', { colour: 'blue' })] },
    })
    expect(response.status).toBe(200)
    const result = (await response.json()) as {
      created: number
      failed: Array<{ index: number; externalId: string; errors: Array<{ field: string }> }>
    }
    expect(result.created).toBe(1)
    expect(result.failed.map((failure) => [failure.index, failure.externalId])).toEqual([
      [1, 'empty'],
      [2, 'extra'],
    ])
    expect(result.failed[0]!.errors[0]!.field).toBe('body')
    const again = (await (await t.call('POST', '/v1/kb/articles', { key: lead, json: { articles: [article('good')] } })).json()) as Record<
      string,
      number
    >
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 1 })
  })

  it('answers 422 naming the fields when no article could be written, and for a bad envelope', async () => {
    await setup()
    const lead = await t.keyFor('lead')
    const scripted = { url: 'javascript:alert(document.cookie)' }
    const none = await t.call('POST', '/v1/kb/articles', {
      key: lead,
      json: { articles: [article('x', { body: '   ' }), article('y', { language: 'german' }), article('s', scripted)] },
    })
    expect(none.status).toBe(422)
    const problem = (await none.json()) as { errors: Array<{ field: string; message: string }> }
    expect(problem.errors.map((error) => error.field)).toEqual(['articles.0.body', 'articles.1.language', 'articles.2.url'])
    expect(problem.errors[2]!.message).toBe('must be an http:// or https:// URL')
    expect((await t.call('POST', '/v1/kb/articles', { key: lead, json: { articles: [] } })).status).toBe(422)
    expect(
      (await t.call('POST', '/v1/kb/articles', { key: lead, json: { articles: Array.from({ length: 501 }, (_, i) => article(`n${i}`)) } }))
        .status,
    ).toBe(422)
    expect((await t.call('POST', '/v1/kb/articles', { key: lead, json: { articles: [article('z')], extra: true } })).status).toBe(422)
    expect((await sql.query('SELECT 1 FROM kb_articles')).length).toBe(0)
  })

  it('rejects a search without a query or with k outside 1..50', async () => {
    await setup()
    const agent = await t.keyFor('agent')
    for (const query of [
      '',
      '?q=',
      '?q=%20%20',
      '?q=router&k=0',
      '?q=router&k=51',
      '?q=router&k=abc',
      '?q=router&department=sales',
      '?q=router&language=deu',
    ]) {
      const response = await t.call('GET', `/v1/kb/search${query}`, { key: agent })
      expect(response.status, query).toBe(422)
    }
    const ok = await t.call('GET', '/v1/kb/search?q=router&k=50', { key: agent })
    expect(ok.status).toBe(200)
  })

  it('searches, shows and deletes articles; unknown ids are 404', async () => {
    await setup()
    const lead = await t.keyFor('lead')
    const { items } = (await (
      await t.call('POST', '/v1/kb/articles', { key: lead, json: { articles: [article('router-neustart')] } })
    ).json()) as { items: Array<{ articleId: string }> }
    const id = items[0]!.articleId
    const search = (await (
      await t.call('GET', '/v1/kb/search?q=WLAN%20Verbindung%20bricht%20ab&k=3&department=technical&language=de', { key: lead })
    ).json()) as { results: Array<Record<string, unknown>>; space: string }
    expect(search.results[0]).toMatchObject({ articleId: id, externalId: 'router-neustart', headingPath: 'Neustart' })
    expect(search.space).toBe(t.deps.embeddings.target.id)
    const shown = (await (await t.call('GET', `/v1/kb/articles/${id}`, { key: lead })).json()) as Record<string, unknown>
    expect(shown).toMatchObject({ id, externalId: 'router-neustart', status: 'published', chunks: 1, language: 'de' })
    expect((await t.call('DELETE', `/v1/kb/articles/${id}`, { key: lead })).status).toBe(200)
    expect((await t.call('GET', `/v1/kb/articles/${id}`, { key: lead })).status).toBe(404)
    expect((await t.call('DELETE', `/v1/kb/articles/${id}`, { key: lead })).status).toBe(404)
    expect((await t.call('GET', '/v1/kb/articles/not-a-uuid', { key: lead })).status).toBe(404)
  })

  it('browses articles by status, language, department and tag, a page at a time', async () => {
    await setup()
    const lead = await t.keyFor('lead')
    await t.call('POST', '/v1/kb/articles', {
      key: lead,
      json: {
        articles: [
          article('de-tech', { tags: ['router'] }),
          article('en-tech', { language: 'en', tags: ['router', 'wifi'] }),
          article('de-com', { department: 'commercial', tags: ['rechnung'] }),
        ],
      },
    })
    await upsertArticles(t.deps, [article('de-draft', { tags: ['router'] })], { status: 'draft' })
    const agent = await t.keyFor('agent')
    const ids = async (query: string) => {
      const response = await t.call('GET', `/v1/kb/articles${query}`, { key: agent })
      expect(response.status, query).toBe(200)
      return ((await response.json()) as { items: Array<{ externalId: string }> }).items.map((item) => item.externalId).sort()
    }
    expect(await ids('')).toEqual(['de-com', 'de-draft', 'de-tech', 'en-tech'])
    expect(await ids('?status=published&language=de')).toEqual(['de-com', 'de-tech'])
    expect(await ids('?department=technical&tag=router')).toEqual(['de-draft', 'de-tech', 'en-tech'])
    expect(await ids('?tag=wifi')).toEqual(['en-tech'])
    expect(await ids('?status=draft')).toEqual(['de-draft'])
    const first = (await (await t.call('GET', '/v1/kb/articles?limit=3', { key: agent })).json()) as {
      items: unknown[]
      nextCursor: string
    }
    expect(first.items).toHaveLength(3)
    const rest = (await (await t.call('GET', `/v1/kb/articles?limit=3&cursor=${first.nextCursor}`, { key: agent })).json()) as {
      items: unknown[]
      nextCursor: string | null
    }
    expect(rest).toMatchObject({ nextCursor: null })
    expect(rest.items).toHaveLength(1)
    for (const query of ['?language=xx', '?language=german', '?department=sales', '?status=old', '?limit=0', '?cursor=abc']) {
      const response = await t.call('GET', `/v1/kb/articles${query}`, { key: agent })
      expect(response.status, query).toBe(422)
    }
  })

  it('edits a draft before publishing, keeps it a draft, and records who changed what', async () => {
    await setup()
    const [item] = (await upsertArticles(t.deps, [article('from-lead', { tags: ['from-escalation'] })], { status: 'draft' })).items
    const id = item!.articleId
    const lead = await t.keyFor('lead')
    const before = (await (await t.call('GET', `/v1/kb/articles/${id}`, { key: lead })).json()) as { updatedAt: string }
    const edit = {
      title: 'WLAN neu verbinden',
      body: '## Neu verbinden\n\nStarten Sie den Router neu und warten Sie zwei Minuten.',
      tags: ['router', 'wlan'],
      language: 'de',
      department: 'technical',
      expectedUpdatedAt: before.updatedAt,
    }
    expect((await t.call('PATCH', `/v1/kb/articles/${id}`, { key: await t.keyFor('agent'), json: edit })).status).toBe(403)
    const edited = await t.call('PATCH', `/v1/kb/articles/${id}`, { key: lead, json: edit })
    expect(edited.status).toBe(200)
    expect(await edited.json()).toMatchObject({ title: edit.title, body: edit.body, tags: edit.tags, status: 'draft', chunks: 0 })
    const stale = await t.call('PATCH', `/v1/kb/articles/${id}`, {
      key: lead,
      json: { title: 'Zu spät', expectedUpdatedAt: before.updatedAt },
    })
    expect(stale.status).toBe(409)
    const audit = (await (
      await t.call('GET', `/v1/audit?entityType=kb_article&entityId=${id}`, { key: await t.keyFor('admin') })
    ).json()) as {
      items: Array<{ action: string; before: Record<string, unknown>; after: Record<string, unknown> }>
    }
    expect(audit.items[0]).toMatchObject({ action: 'edit', after: { title: edit.title, tags: edit.tags } })
    expect(Object.keys(audit.items[0]!.before).sort()).toEqual(['body', 'tags', 'title'])
    expect((await t.call('POST', `/v1/kb/articles/${id}/publish`, { key: lead })).status).toBe(200)
    const search = (await (await t.call('GET', '/v1/kb/search?q=Router%20neu%20starten', { key: lead })).json()) as {
      results: Array<{ articleId: string; title: string }>
    }
    expect(search.results[0]).toMatchObject({ articleId: id, title: edit.title })
  })

  it('re-embeds a published article on edit, so search finds the new words and not the old', async () => {
    await setup()
    const lead = await t.keyFor('lead')
    const written = (await (await t.call('POST', '/v1/kb/articles', { key: lead, json: { articles: [article('live')] } })).json()) as {
      items: Array<{ articleId: string }>
    }
    const id = written.items[0]!.articleId
    const body = 'Die Spülmaschine zeigt E24: Flusensieb reinigen und den Ablaufschlauch auf Knicke prüfen.'
    const edited = await t.call('PATCH', `/v1/kb/articles/${id}`, { key: lead, json: { body } })
    expect(await edited.json()).toMatchObject({ status: 'published', body, chunks: 1 })
    const snippets = async (q: string) =>
      (
        (await (await t.call('GET', `/v1/kb/search?q=${encodeURIComponent(q)}`, { key: lead })).json()) as {
          results: Array<{ articleId: string; snippet: string; textRank: number | null }>
        }
      ).results
    expect((await snippets('Flusensieb Ablaufschlauch'))[0]).toMatchObject({ articleId: id, textRank: 1 })
    const old = await snippets('Stecker Sekunden')
    expect(old.every((hit) => hit.textRank === null && !hit.snippet.includes('Stecker'))).toBe(true)
  })

  it('refuses a bad edit with 422 naming the field and changes nothing', async () => {
    await setup()
    const [item] = (await upsertArticles(t.deps, [article('draft')], { status: 'draft' })).items
    const id = item!.articleId
    const lead = await t.keyFor('lead')
    const stored = await (await t.call('GET', `/v1/kb/articles/${id}`, { key: lead })).text()
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ title: '   ' }, 'title'],
      [{ body: '' }, 'body'],
      [{ language: 'xx' }, 'language'],
      [{ language: 'Deutsch' }, 'language'],
      [{ department: 'sales' }, 'department'],
      [{ tags: 'router' }, 'tags'],
      [{ status: 'published' }, 'status'],
      [{ title: 'ok', expectedUpdatedAt: 'yesterday' }, 'expectedUpdatedAt'],
    ]
    for (const [json, field] of cases) {
      const response = await t.call('PATCH', `/v1/kb/articles/${id}`, { key: lead, json })
      expect(response.status, JSON.stringify(json)).toBe(422)
      const problem = (await response.json()) as { errors: Array<{ field: string }> }
      expect(problem.errors.map((error) => error.field)).toContain(field)
    }
    expect((await t.call('PATCH', `/v1/kb/articles/${crypto.randomUUID()}`, { key: lead, json: { title: 'x' } })).status).toBe(404)
    expect(await (await t.call('GET', `/v1/kb/articles/${id}`, { key: lead })).text()).toBe(stored)
  })
})
