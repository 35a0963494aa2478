import { afterEach, describe, expect, it } from 'vitest'
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
})
