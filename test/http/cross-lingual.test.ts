import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../src/storage/sql.js'
import type { TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { openSeeded } from '../helpers/seed.js'
import { uiClient } from '../helpers/ui-client.js'

type Suggestion = { externalId: string; language?: string; reply: string }

// An article that exists only in English, on a topic the demo knowledge base does not cover: a German
// inquiry finds it through the glossary translation of the question, and the reply stays German.
const englishOnly = {
  externalId: 'kb-en-gift-card-vouchers',
  title: 'Redeeming gift cards and voucher codes',
  body: '## Redeem a voucher\n\nEnter the voucher code or gift card code at checkout in the field "Coupon code". A voucher code is accepted once per order; the balance of a gift card stays on the card.',
  language: 'en',
  department: 'commercial',
}

describe.each(testDatabases)('cross-lingual search [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  beforeAll(async () => {
    ;({ sql, t } = await openSeeded(database))
    const written = await t.call('POST', '/v1/kb/articles', { key: await t.keyFor('lead'), json: { articles: [englishOnly] } })
    expect(written.status).toBe(200)
    // The active space and the articles' languages are remembered for a second; this process just wrote.
    t.deps.embeddings.forgetActiveSpace()
  })
  afterAll(async () => sql?.close())

  it('finds an English-only article for a German inquiry and replies in German, saying the article is in English', async () => {
    const response = await t.call('POST', '/v1/triage', {
      key: await t.keyFor('agent'),
      json: { body: 'Wie löse ich meinen Gutschein ein? Der Gutscheincode wird an der Kasse nicht akzeptiert.' },
    })
    expect(response.status).toBe(200)
    const result = (await response.json()) as { language: string; suggestions: Suggestion[] }
    expect(result.language).toBe('de')
    const found = result.suggestions.find((suggestion) => suggestion.externalId === englishOnly.externalId)
    expect(result.suggestions[0]?.externalId).toBe(englishOnly.externalId)
    expect(found?.language).toBe('en')
    expect(found?.reply).toMatch(/vielen Dank für Ihre Nachricht/)
    expect(found?.reply).toContain('Der Artikel ist auf Englisch.')
    // A suggestion in the inquiry's language carries no such note.
    for (const suggestion of result.suggestions.filter((item) => item.language === 'de'))
      expect(suggestion.reply).not.toContain('Der Artikel ist auf')
  })

  it('keeps the search API as it was: a language filter searches that language only', async () => {
    const response = await t.call('GET', `/v1/kb/search?q=${encodeURIComponent('Gutschein einlösen')}&language=de`, {
      key: await t.keyFor('agent'),
    })
    const { results } = (await response.json()) as { results: Array<{ externalId: string; language: string }> }
    expect(results.every((hit) => hit.language === 'de')).toBe(true)
  })

  it('searches across languages on request: queryLanguage=auto in the API, and always in the UI', async () => {
    const agent = await t.keyFor('agent')
    const ask = async (extra: string) =>
      (
        (await (
          await t.call('GET', `/v1/kb/search?q=${encodeURIComponent('Gutschein an der Kasse einlösen')}${extra}`, { key: agent })
        ).json()) as {
          results: Array<{ externalId: string }>
        }
      ).results.map((hit) => hit.externalId)
    expect((await ask('&queryLanguage=auto&k=3'))[0]).toBe(englishOnly.externalId)
    expect((await ask('&queryLanguage=de&k=3'))[0]).toBe(englishOnly.externalId)
    expect((await t.call('GET', '/v1/kb/search?q=x&queryLanguage=german', { key: agent })).status).toBe(422)
    const client = uiClient(t)
    expect((await client.signIn(agent)).status).toBe(303)
    const page = await client.get(`/ui/kb?q=${encodeURIComponent('Gutschein an der Kasse einlösen')}`)
    expect(page.html).toMatch(/<h3><a href="\/ui\/kb\/articles\/[0-9a-f-]{36}">Redeeming gift cards and voucher codes<\/a><\/h3>/)
    expect(page.html).toContain('English')
  })
})
