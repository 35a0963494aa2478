// The web UI through app.request on PGlite: sign-in and sessions, CSRF, roles, forms that come back
// with 422 and the message at the field, 404 pages, and what happens when a session expires mid-form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey, revokeApiKey } from '../../src/auth/api-keys.js'
import { sha256Hex } from '../../src/auth/crypto.js'
import { upsertArticles } from '../../src/knowledge/ingest.js'
import { listFeedback } from '../../src/storage/queries/inquiries.js'
import type { Sql } from '../../src/storage/sql.js'
import type { TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { openSeeded } from '../helpers/seed.js'
import { decode, hiddenValue, uiClient } from '../helpers/ui-client.js'

type Json = Record<string, any>
const hour = 3600_000
const someId = '00000000-0000-4000-8000-000000000000'

describe('web UI', () => {
  let sql: Sql
  let t: TestApp
  let offset = 0 // the fake clock: tests move it forward instead of waiting
  const triage = async (input: unknown) =>
    (await (await t.call('POST', '/v1/triage', { key: await t.keyFor('agent'), json: input })).json()) as Json
  const signedIn = async (role: 'agent' | 'lead' | 'admin', headers?: Record<string, string>) => {
    const client = uiClient(t, headers ? { headers } : {})
    const answer = await client.signIn(await t.keyFor(role))
    expect(answer.status).toBe(303)
    return client
  }

  // Seeding (demo knowledge base, trained classifier) is slow on a busy shared machine: more headroom than the default.
  beforeAll(async () => {
    ;({ sql, t } = await openSeeded(testDatabases[0]!, { clock: { now: () => new Date(Date.now() + offset) } }))
  }, 600_000)
  afterAll(async () => sql?.close())

  describe('sign-in and sessions', () => {
    it('sends visitors to the sign-in page, with next pointing back', async () => {
      const client = uiClient(t)
      expect((await client.get('/')).location).toBe('/ui')
      expect((await client.get('/ui')).location).toBe('/ui/sign-in')
      const redirected = await client.get('/ui/inquiries?status=triaged')
      expect(redirected.status).toBe(303)
      expect(redirected.location).toBe('/ui/sign-in?next=%2Fui%2Finquiries%3Fstatus%3Dtriaged')
      const signIn = await client.get(redirected.location!)
      expect(signIn.status).toBe(200)
      expect(hiddenValue(signIn.html, 'next')).toBe('/ui/inquiries?status=triaged')
    })

    it('serves pages with a strict CSP, no framing, and cookies that are HttpOnly, SameSite=Strict, Path=/ui', async () => {
      const page = await uiClient(t).get('/ui/sign-in')
      const csp = page.headers.get('content-security-policy')!
      expect(csp).toContain("default-src 'none'")
      expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/)
      expect(csp).toContain("frame-ancestors 'none'")
      expect(page.headers.get('x-frame-options')).toBe('DENY')
      expect(page.headers.get('referrer-policy')).toBe('same-origin')
      const cookie = page.headers.getSetCookie().find((value) => value.startsWith('triage_signin='))!
      expect(cookie).toMatch(/HttpOnly/)
      expect(cookie).toMatch(/SameSite=Strict/)
      expect(cookie).toMatch(/Path=\/ui/)
      expect(cookie).not.toMatch(/Secure/)
      const client = uiClient(t, { headers: { 'x-forwarded-proto': 'https' } })
      const answer = await client.signIn(await t.keyFor('agent'))
      expect(answer.headers.getSetCookie().find((value) => value.startsWith('triage_session='))).toMatch(
        /HttpOnly; .*Secure|Secure.*HttpOnly/,
      )
    })

    it('stores only a hash of the session id, and signs out', async () => {
      const client = await signedIn('agent')
      const sessionId = client.jar.get('triage_session')!
      const rows = await sql.query<{ id_hash: string }>('SELECT id_hash FROM ui_sessions WHERE id_hash = $1', [await sha256Hex(sessionId)])
      expect(rows).toHaveLength(1)
      expect(await sql.query('SELECT 1 FROM ui_sessions WHERE id_hash = $1', [sessionId])).toHaveLength(0)
      const out = await client.post('/ui/sign-out', { _csrf: await client.csrf() })
      expect(out.location).toBe('/ui/sign-in?signed_out=1')
      expect(await sql.query('SELECT 1 FROM ui_sessions WHERE id_hash = $1', [await sha256Hex(sessionId)])).toHaveLength(0)
      expect((await client.get('/ui/kb')).status).toBe(303)
    })

    it('refuses a missing key (422), an unknown one (401) and a machine key (403), with the message at the field', async () => {
      const client = uiClient(t)
      const empty = await client.signIn('')
      expect(empty.status).toBe(422)
      expect(empty.html).toMatch(/<input id="f-key"[^>]*aria-invalid="true"[^>]*aria-describedby="f-key-hint f-key-error"/)
      expect(empty.html).toContain('<p class="field-error" id="f-key-error">Enter your API key.</p>')
      expect((await client.signIn('itk_not-a-key')).status).toBe(401)
      const machine = await client.signIn(await t.keyFor('integration'))
      expect(machine.status).toBe(403)
      expect(machine.html).toContain('Integration keys belong to helpdesk systems')
      expect(machine.html).not.toContain(await t.keyFor('integration')) // the key is never echoed back
    })

    it('refuses a sign-in without the form token, or from another site', async () => {
      const client = uiClient(t)
      await client.get('/ui/sign-in')
      expect((await client.post('/ui/sign-in', { key: await t.keyFor('agent') })).status).toBe(403)
      const token = hiddenValue((await client.get('/ui/sign-in')).html, '_csrf')
      const crossSite = await client.post('/ui/sign-in', { _csrf: token, key: await t.keyFor('agent') }, { 'sec-fetch-site': 'cross-site' })
      expect(crossSite.status).toBe(403)
      expect(crossSite.html).toContain('The form could not be accepted')
    })

    it('ends sessions when the key is revoked', async () => {
      const lead = await createApiKey(t.deps, { name: 'short-lived lead', role: 'lead' })
      const client = uiClient(t)
      expect((await client.signIn(lead.key)).status).toBe(303)
      expect((await client.get('/ui/escalations')).status).toBe(200)
      await revokeApiKey(t.deps, lead.id)
      expect((await client.get('/ui/escalations')).location).toBe('/ui/sign-in?next=%2Fui%2Fescalations')
    })
  })

  describe('CSRF and roles', () => {
    it('answers a POST without the session token, or with a wrong one, with a 403 page', async () => {
      const client = await signedIn('agent')
      const inquiry = await triage({ subject: 'CSRF-Test', body: 'Die Waschmaschine WM-7 zeigt E18 und pumpt nicht ab.' })
      const missing = await client.post(`/ui/inquiries/${inquiry.inquiryId}/feedback`, { usedArticleId: 'none' })
      expect(missing.status).toBe(403)
      expect(missing.headers.get('content-type')).toMatch(/text\/html/)
      expect((await client.post(`/ui/inquiries/${inquiry.inquiryId}/feedback`, { _csrf: 'forged', usedArticleId: 'none' })).status).toBe(
        403,
      )
      expect(await listFeedback(sql, inquiry.inquiryId)).toHaveLength(0)
    })

    it('shows agents the agent and knowledge-base views only', async () => {
      const agent = await signedIn('agent')
      expect((await agent.get('/ui/inquiries')).status).toBe(200)
      expect((await agent.get('/ui/kb?q=E18')).status).toBe(200)
      const queue = await agent.get('/ui/escalations')
      expect(queue.status).toBe(403)
      expect(queue.html).toContain('Your role does not allow this page')
      expect((await agent.get(`/ui/escalations/${someId}`)).status).toBe(403)
      expect((await agent.get('/ui/kb/drafts')).status).toBe(403)
      expect((await agent.post(`/ui/kb/articles/${someId}/publish`, { _csrf: await agent.csrf() })).status).toBe(403)
      expect((await agent.get('/ui/inquiries')).html).not.toContain('href="/ui/escalations"')
      for (const role of ['lead', 'admin'] as const) {
        const lead = await signedIn(role)
        expect((await lead.get('/ui/escalations')).status).toBe(200)
        expect((await lead.get('/ui/kb/drafts')).status).toBe(200)
        expect((await lead.get('/ui/inquiries')).html).toContain('href="/ui/escalations"')
      }
    })

    it('keeps the UI out of the OpenAPI document', async () => {
      const doc = (await (await t.call('GET', '/openapi.json')).json()) as { paths: Record<string, unknown> }
      expect(Object.keys(doc.paths).filter((path) => path.startsWith('/ui') || path === '/')).toEqual([])
    })
  })

  describe('agents', () => {
    it('lists, filters and opens inquiries, escaping what customers wrote', async () => {
      const agent = await signedIn('agent')
      const inquiry = await triage({
        subject: 'UI-Liste <script>alert(1)</script>',
        body: 'Die Waschmaschine WM-7 zeigt E18 und pumpt nicht ab. <img src=x onerror=alert(2)>',
      })
      const list = await agent.get('/ui/inquiries?q=UI-Liste')
      expect(list.status).toBe(200)
      expect(list.html).toContain(`href="/ui/inquiries/${inquiry.inquiryId}"`)
      expect(list.html).toContain('UI-Liste &lt;script&gt;alert(1)&lt;/script&gt;')
      expect(list.html).not.toContain('<script>alert(1)')
      expect((await agent.get('/ui/inquiries?q=UI-Liste&department=nonsense&cursor=x')).status).toBe(200)
      // A NUL in a search box cannot reach the database; it is dropped.
      expect((await agent.get('/ui/inquiries?q=UI-%00Liste')).html).toContain(`href="/ui/inquiries/${inquiry.inquiryId}"`)
      expect((await agent.get('/ui/kb?q=Wasch%00maschine')).status).toBe(200)
      const other = inquiry.department === 'technical' ? 'commercial' : 'technical'
      expect((await agent.get(`/ui/inquiries?q=UI-Liste&department=${other}`)).html).not.toContain(inquiry.inquiryId)

      const page = await agent.get(`/ui/inquiries/${inquiry.inquiryId}`)
      expect(page.status).toBe(200)
      expect(page.html).not.toContain('<img src=x')
      expect(inquiry.suggestions.length).toBeGreaterThan(0)
      expect(page.html).toContain('<textarea id="reply-1" class="reply" readonly=""')
      expect(page.html).toMatch(/<button type="button" class="secondary" data-copy="reply-1"[^>]*hidden/)
      expect(page.html).toContain(`${Math.round(inquiry.confidence * 100)}%`)
      expect(page.html).not.toContain('Safety first')
      // Relevance in words and as a meter; only a good match has its reply ready, a weaker one keeps it folded.
      expect(page.html).toMatch(/Relevance: <strong>(good match|maybe|probably not)<\/strong> \(\d+%\)<\/label> <meter id="relevance-1"/)
      const start = page.html.indexOf('<article class="suggestion">')
      const firstCard = page.html.slice(start, page.html.indexOf('</article>', start))
      expect(firstCard.includes('<details>')).toBe(!firstCard.includes('<strong>good match</strong>'))
    })

    it('shows German pages with decimal commas, German dates in Europe/Berlin and reason details in German', async () => {
      const agent = await signedIn('agent')
      const inquiry = await triage({
        subject: 'Rechnung falsch – letzte Warnung',
        body: 'Zum dritten Mal: Ihre Rechnung RE-2024-118 ist falsch! Wenn das nicht sofort korrigiert wird, schalte ich meinen Anwalt und die Verbraucherzentrale ein!!!',
        customer: { name: 'Hotel Seeblick GmbH' },
      })
      expect(inquiry.escalation.escalate).toBe(true)
      const page = decode((await agent.get(`/ui/inquiries/${inquiry.inquiryId}?lang=de`)).html)
      const score = (inquiry.escalation.score as number).toFixed(2).replace('.', ',')
      expect(page).toContain(`Eskaliert (Wert ${score})`)
      expect(page).toContain(`${Math.round(inquiry.confidence * 100)}\u00a0%`)
      // The API keeps its English detail; the German page shows it in German with decimal commas.
      expect(inquiry.escalation.reasons.some((reason: Json) => /^probability 0\.\d\d /.test(reason.detail))).toBe(true)
      expect(page).toMatch(/<span class="detail">Wahrscheinlichkeit 0,\d\d \(Schwelle 0,\d\d/)
      expect(page).not.toMatch(/probability|fires from/)
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en', {
          timeZone: 'Europe/Berlin',
          hourCycle: 'h23',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
        })
          .formatToParts(new Date(inquiry.createdAt))
          .map((part) => [part.type, part.value]),
      )
      expect(page).toContain(`>${parts.day}.${parts.month}.${parts.year}, ${parts.hour}:${parts.minute}</time>`)
      // A company is not greeted as a person.
      expect(page).toContain('<textarea id="reply-1" class="reply" readonly="" rows="8">Guten Tag,\n')
    })

    it("shows the corrected department beside the original on the inquiry page and in the list, and the API keeps triage's", async () => {
      const agent = await signedIn('agent')
      const inquiry = await triage({ subject: 'Korrektur-UI', body: 'Meine Waschmaschine WM-7 zeigt E18 und pumpt nicht ab.' })
      const path = `/ui/inquiries/${inquiry.inquiryId}`
      const original = inquiry.department as 'technical' | 'commercial'
      const corrected = original === 'technical' ? 'commercial' : 'technical'
      const names = { technical: 'Technik', commercial: 'Kaufmännisch' }
      const before = decode((await agent.get(`${path}?lang=de`)).html)
      expect(before).not.toContain('korrigiert')
      const sent = await agent.post(`${path}/feedback`, {
        _csrf: hiddenValue(before, '_csrf'),
        usedArticleId: 'none',
        correctDepartment: corrected,
      })
      expect(sent.status).toBe(303)
      const beside = `<strong>${names[corrected]}</strong> <span class="hint corrected">(korrigiert, ursprünglich: ${names[original]})</span>`
      expect(decode((await agent.get(path)).html)).toContain(beside)
      const list = decode((await agent.get('/ui/inquiries?q=Korrektur-UI')).html)
      expect(list).toContain(beside)
      const english = decode((await agent.get('/ui/inquiries?q=Korrektur-UI&lang=en')).html)
      expect(english).toMatch(/<span class="hint corrected">\(corrected, originally: (Technical|Commercial)\)<\/span>/)
      const api = (await (await t.call('GET', `/v1/inquiries/${inquiry.inquiryId}`, { key: await t.keyFor('agent') })).json()) as Json
      expect(api.department).toBe(original)
    })

    it('marks the safety article that comes first for an inquiry reporting a hazard', async () => {
      const agent = await signedIn('agent')
      const inquiry = await triage({ body: 'There is smoke coming out of my NetBox 6 router and it smells of burnt plastic.' })
      const page = await agent.get(`/ui/inquiries/${inquiry.inquiryId}`)
      expect(page.status).toBe(200)
      const first = page.html.slice(page.html.indexOf('<article class="suggestion">'), page.html.indexOf('reply-1'))
      expect(first).toContain('Safety notice – smoke, a burning smell, sparks or an electric shock')
      expect(first).toContain('<span class="badge overdue">Safety first</span>')
      expect(page.html.split('Safety first').length - 1).toBe(1)
    })

    it('re-renders the feedback form with 422, the message at the field and what was typed', async () => {
      const agent = await signedIn('agent')
      const inquiry = await triage({ subject: 'Feedback-UI', body: 'Meine Spülmaschine GS-5 zeigt E24 und pumpt nicht ab.' })
      const path = `/ui/inquiries/${inquiry.inquiryId}`
      const csrf = hiddenValue((await agent.get(path)).html, '_csrf')
      const bad = await agent.post(`${path}/feedback`, { _csrf: csrf, rating: '7', comment: 'Antwort war <b>fast</b> richtig' })
      expect(bad.status).toBe(422)
      expect(bad.html).toMatch(
        /<fieldset class="field invalid" id="f-usedArticleId"[\s\S]*?<p class="field-error" id="f-usedArticleId-error">Choose one of the options.<\/p>/,
      )
      expect(bad.html).toContain('<p class="field-error" id="f-rating-error">Choose a rating from 1 to 5.</p>')
      expect(bad.html).toContain('>Antwort war &lt;b&gt;fast&lt;/b&gt; richtig</textarea>')

      const used = inquiry.suggestions[0].articleId as string
      const right = inquiry.department === 'technical' ? 'commercial' : 'technical'
      // A NUL typed or pasted into the form cannot be stored: it is dropped.
      const good = await agent.post(`${path}/feedback`, {
        _csrf: csrf,
        usedArticleId: used,
        edited: 'on',
        rating: '4',
        correctDepartment: right,
        comment: 'o\u0000k',
      })
      expect(good.status).toBe(303)
      expect(good.location).toBe(`${path}?feedback=learned#main`)
      expect((await agent.get(good.location!)).html).toContain('The correction is learned')
      const [stored] = await listFeedback(sql, inquiry.inquiryId)
      expect(stored).toMatchObject({ used_article_id: used, edited: true, rating: 4, correct_department: right, comment: 'ok' })
    })

    it('lets an agent send an inquiry to a lead with reasons, and refuses a form without one (422)', async () => {
      const agent = await signedIn('agent')
      const inquiry = await triage({ subject: 'Entkalken', body: 'Wie oft muss ich die Barista B3 entkalken?' })
      expect(inquiry.escalation.escalate).toBe(false)
      const path = `/ui/inquiries/${inquiry.inquiryId}`
      const page = await agent.get(path)
      expect(page.html).toContain('Needs a lead?')
      expect(page.html).toContain('name="reason_vulnerable_customer"')
      expect(page.html).toContain('Vulnerable customer')
      expect(page.html).not.toContain('name="reason_key_account"') // only the text reasons
      const csrf = hiddenValue(page.html, '_csrf')
      const none = await agent.post(`${path}/needs-lead`, { _csrf: csrf, note: 'bitte <schnell>' })
      expect(none.status).toBe(422)
      expect(none.html).toContain('Choose at least one reason.')
      expect(none.html).toContain('>bitte &lt;schnell&gt;</textarea>')
      const sent = await agent.post(`${path}/needs-lead`, { _csrf: csrf, reason_vulnerable_customer: 'on', note: 'Kundin ist 91' })
      expect(sent.location).toBe(`${path}?feedback=lead#main`)
      expect((await agent.get(sent.location!)).html).toContain('The inquiry is with the leads now')
      const queue = await (await signedIn('lead')).get('/ui/escalations')
      expect(queue.html).toContain('Vulnerable customer')
      const again = await agent.post(`${path}/needs-lead`, { _csrf: csrf, reason_vulnerable_customer: 'on' })
      expect(again.location).toBe(`${path}?feedback=leadAlready#main`)
    })

    it('shows leads the escalation policy in their language, and not agents', async () => {
      const lead = await signedIn('lead')
      const page = await lead.get('/ui/escalation-policy')
      expect(page.status).toBe(200)
      expect(page.html).toContain('<h1>Escalation policy</h1>')
      expect(page.html).toMatch(
        /<tr id="reason-safety"><th scope="row">Danger to people or property<br\/><code class="muted">safety<\/code><\/th><td>the text \(learned\)<\/td><td>1.00<\/td><td>yes<\/td><td>1 h<\/td>/,
      )
      expect(page.html).toContain('href="/ui/escalation-policy"')
      const german = await lead.get('/ui/escalation-policy?lang=de')
      expect(german.html).toContain('Gefahr für Menschen oder Sachen')
      expect(german.html).toContain('Eskaliert allein')
      const agent = await signedIn('agent')
      expect((await agent.get('/ui/escalation-policy')).status).toBe(403)
      expect((await agent.get('/ui/inquiries')).html).not.toContain('href="/ui/escalation-policy"')
    })

    it('answers unknown ids and paths with a 404 page', async () => {
      const agent = await signedIn('agent')
      for (const path of [`/ui/inquiries/${someId}`, '/ui/inquiries/not-an-id', '/ui/kb/articles/nope', '/ui/no-such-page']) {
        const page = await agent.get(path)
        expect(page.status, path).toBe(404)
        expect(page.html).toContain('<h1>Not found</h1>')
      }
      expect((await agent.post(`/ui/inquiries/${someId}/feedback`, { _csrf: await agent.csrf(), usedArticleId: 'none' })).status).toBe(404)
      expect((await (await signedIn('lead')).get(`/ui/escalations/${someId}`)).status).toBe(404)
      // A form's action opened with GET leads to its page instead of an error.
      expect((await agent.get(`/ui/inquiries/${someId}/feedback`)).location).toBe(`/ui/inquiries/${someId}`)
      expect((await agent.get('/ui/sign-out')).location).toBe('/ui')
    })
  })

  describe('leads', () => {
    const angry = (n: number) => ({
      subject: `UI-Fall ${n}: Rechnung falsch – letzte Warnung`,
      body: `Zum dritten Mal: Ihre Rechnung RE-${n} ist falsch! Wenn das nicht sofort korrigiert wird, schalte ich meinen Anwalt ein!!!`,
      customer: { email: `ui-wut-${n}@example.com` },
    })

    it('queues cases with reasons and due times, claims with 409 for the second lead, and resolves into a draft', async () => {
      const inquiry = await triage(angry(1))
      const id = inquiry.escalation.id as string
      const lead = await signedIn('lead')
      const queue = await lead.get('/ui/escalations')
      expect(queue.html).toContain(`href="/ui/escalations/${id}"`)
      expect(queue.html).toContain('Legal threat')
      expect(queue.html).toContain(`datetime="${inquiry.escalation.dueAt}"`)

      const casePath = `/ui/escalations/${id}`
      const csrf = hiddenValue((await lead.get(casePath)).html, '_csrf')
      const claimed = await lead.post(`${casePath}/claim`, { _csrf: csrf })
      expect(claimed.location).toBe(`${casePath}?done=claimed`)
      expect((await lead.get(claimed.location!)).html).toContain('You claimed this case.')

      const otherKey = await createApiKey(t.deps, { name: 'other lead', role: 'lead' })
      const other = uiClient(t)
      await other.signIn(otherKey.key)
      const conflict = await other.post(`${casePath}/claim`, { _csrf: await other.csrf() })
      expect(conflict.status).toBe(409)
      expect(conflict.html).toContain('This could not be done because the case changed.')
      expect(conflict.html).toContain('The case is claimed by test lead.')

      const missing = await lead.post(`${casePath}/resolve`, {
        _csrf: csrf,
        resolution: ' ',
        reply: 'Sehr geehrte Kundin, die Rechnung ist korrigiert.',
        addToKnowledgeBase: 'on',
      })
      expect(missing.status).toBe(422)
      expect(missing.html).toContain('<p class="field-error" id="f-resolution-error">This field is required.</p>')
      expect(missing.html).toContain('>Sehr geehrte Kundin, die Rechnung ist korrigiert.</textarea>')
      expect(missing.html).toMatch(/name="addToKnowledgeBase" value="on" checked/)
      const noReply = await lead.post(`${casePath}/resolve`, { _csrf: csrf, resolution: 'Gutschrift', addToKnowledgeBase: 'on' })
      expect(noReply.html).toContain('<p class="field-error" id="f-reply-error">Write the reply to add it to the knowledge base.</p>')

      const resolved = await lead.post(`${casePath}/resolve`, {
        _csrf: csrf,
        resolution: 'Rechnung korrigiert, Gutschrift erteilt',
        finalDepartment: 'commercial',
        reply: 'Guten Tag,\n\ndie Rechnung RE-1 war falsch berechnet; wir haben sie korrigiert und Ihnen den Betrag gutgeschrieben.',
        addToKnowledgeBase: 'on',
        articleTitle: 'Falsche Rechnung: Korrektur und Gutschrift',
        notWarranted: 'on',
      })
      expect(resolved.location).toBe(`${casePath}?done=resolved`)
      const [verdict] = await sql.query<{ warranted: boolean | null }>('SELECT warranted FROM escalations WHERE id = $1', [id])
      expect(verdict!.warranted).toBe(false) // "should not have been escalated": counter-examples for the detector
      expect((await lead.get('/ui/escalations')).html).not.toContain(id)
      expect((await lead.get('/ui/escalations?status=resolved')).html).toContain(id)
      expect((await other.post(`${casePath}/resolve`, { _csrf: await other.csrf(), resolution: 'noch einmal' })).status).toBe(409)

      const drafts = await lead.get('/ui/kb/drafts')
      const articleId = /href="\/ui\/kb\/articles\/([0-9a-f-]{36})">Falsche Rechnung: Korrektur und Gutschrift/.exec(drafts.html)?.[1]
      expect(articleId).toBeDefined()
      const draft = decode((await lead.get(`/ui/kb/articles/${articleId}`)).html)
      expect(draft).toContain("Made from a lead's reply and neutralised: check it before publishing. Taken out: salutation (1).")
      expect(draft).toContain('<p>Die Rechnung RE-1 war falsch berechnet;')
      const published = await lead.post(`/ui/kb/articles/${articleId}/publish`, { _csrf: csrf })
      expect(published.location).toBe(`/ui/kb/articles/${articleId}?done=published`)
      expect((await lead.post(`/ui/kb/articles/${articleId}/publish`, { _csrf: csrf })).status).toBe(409)
      expect((await lead.get('/ui/kb?q=Rechnung%20falsch%20berechnet%20Gutschrift')).html).toContain(`/ui/kb/articles/${articleId}`)
    })

    it('hands a case over to another lead: 422 at the field for no choice or a revoked lead, 409 for a lead who does not hold it', async () => {
      const inquiry = await triage(angry(3))
      const casePath = `/ui/escalations/${inquiry.escalation.id as string}`
      const lead = await signedIn('lead')
      const colleague = await createApiKey(t.deps, { name: 'Lena Leitung', role: 'lead' })
      const gone = await createApiKey(t.deps, { name: 'Former Lead', role: 'lead' })
      const casePage = await lead.get(casePath)
      expect(casePage.html).toContain('Hand over to')
      expect(casePage.html).toContain(`<option value="${colleague.id}">Lena Leitung</option>`)
      const csrf = hiddenValue(casePage.html, '_csrf')
      await revokeApiKey(t.deps, gone.id)

      const none = await lead.post(`${casePath}/reassign`, { _csrf: csrf, toKeyId: '' })
      expect(none.status).toBe(422)
      expect(none.html).toContain('<p class="field-error" id="f-toKeyId-error">This field is required.</p>')
      const revoked = await lead.post(`${casePath}/reassign`, { _csrf: csrf, toKeyId: gone.id })
      expect(revoked.status).toBe(422)
      expect(revoked.html).toContain('must be the key id of an active lead')
      expect(decode((await lead.get(casePath)).html)).not.toContain('Former Lead')

      const handed = await lead.post(`${casePath}/reassign`, { _csrf: csrf, toKeyId: colleague.id })
      expect(handed.location).toBe(`${casePath}?done=reassigned`)
      const after = await lead.get(handed.location!)
      expect(after.html).toContain('The case has been handed over.')
      expect(after.html).toMatch(/<dt>Claimed by<\/dt><dd>Lena Leitung<\/dd>/)
      // Claimed by Lena now: only she or an admin may hand it on.
      const notTheirs = await lead.post(`${casePath}/reassign`, { _csrf: csrf, toKeyId: colleague.id })
      expect(notTheirs.status).toBe(409)
      expect(notTheirs.html).toContain('The case is claimed by Lena Leitung')
    })

    it('filters the queue by department and overdue', async () => {
      const inquiry = await triage(angry(2))
      const lead = await signedIn('lead')
      const other = inquiry.department === 'technical' ? 'commercial' : 'technical'
      expect((await lead.get(`/ui/escalations?department=${other}`)).html).not.toContain(inquiry.escalation.id)
      expect((await lead.get('/ui/escalations?overdue=true')).html).not.toContain(inquiry.escalation.id)
      offset += 24 * 30 * hour
      try {
        const late = await signedIn('lead')
        const overdue = await late.get('/ui/escalations?overdue=true')
        expect(overdue.html).toContain(inquiry.escalation.id)
        expect(overdue.html).toContain('<span class="badge overdue">Overdue</span>')
      } finally {
        offset -= 24 * 30 * hour
      }
    })
  })

  describe('knowledge pages', () => {
    const draftOf = async (externalId: string, body: string) => {
      const result = await upsertArticles(
        t.deps,
        [{ externalId, title: `Entwurf ${externalId}`, body, language: 'de', department: 'technical', tags: ['entwurf'] }],
        { status: 'draft' },
      )
      return result.items[0]!.articleId
    }

    it('lists every article without a search, filtered by status, language, department and tag', async () => {
      const agent = await signedIn('agent')
      const all = await agent.get('/ui/kb')
      expect(all.status).toBe(200)
      expect(all.html).toContain('<h2 id="h-all">All articles</h2>')
      const rows = (html: string) =>
        [...html.matchAll(/<td><a href="\/ui\/kb\/articles\/[0-9a-f-]{36}">([^<]+)<\/a><\/td>/g)].map((m) => m[1])
      expect(rows(all.html).length).toBeGreaterThan(10)
      expect(all.html).toContain('rel="next"') // the demo knowledge base holds more than one page
      const english = await agent.get('/ui/kb?language=en&department=technical')
      expect(rows(english.html).length).toBeGreaterThan(0)
      expect(english.html).not.toContain('<td>German</td>')
      expect(english.html).toContain('<td>English</td>')
      await draftOf('ui-tagged', 'Ein Text mit Schlagwort.')
      const tagged = await agent.get('/ui/kb?tag=entwurf&status=draft')
      expect(rows(tagged.html)).toContain('Entwurf ui-tagged')
      expect((await agent.get('/ui/kb?tag=gibt-es-nicht')).html).toContain('No article matches these filters.')
      // Unknown filter values are "any", never an error page.
      expect((await agent.get('/ui/kb?language=xx&status=old&department=sales&cursor=nope')).status).toBe(200)
    })

    it('renders Markdown and shows stored script as text, never as markup', async () => {
      const body = [
        '## Schritte',
        '',
        '1. Gerät **ausschalten**',
        '2. `Reset` drücken',
        '',
        '<script>alert(1)</script>',
        '<img src=x onerror="alert(2)">',
        '[Klick](javascript:alert(3)) [Handbuch](https://example.com/handbuch)',
      ].join('\n')
      const id = await draftOf('ui-markdown', body)
      const page = await (await signedIn('agent')).get(`/ui/kb/articles/${id}`)
      expect(page.html).toContain('<h2>Schritte</h2>')
      expect(page.html).toContain('<strong>ausschalten</strong>')
      expect(page.html).toContain('<code>Reset</code>')
      expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
      expect(page.html).not.toMatch(/<script>alert|<img[^>]*onerror|href="javascript:/i)
      expect(page.html).toContain('<a href="https://example.com/handbuch" rel="noopener noreferrer nofollow">Handbuch</a>')
      expect(page.html).not.toContain('/edit"') // agents do not edit
    })

    it('lets a lead edit a draft: 422 at the field keeps the text, 409 when it changed meanwhile, then saved', async () => {
      const id = await draftOf('ui-edit', 'Alter Text.')
      const agent = await signedIn('agent')
      expect((await agent.get(`/ui/kb/articles/${id}/edit`)).status).toBe(403)
      expect((await agent.post(`/ui/kb/articles/${id}/edit`, { _csrf: await agent.csrf(), title: 'x' })).status).toBe(403)
      const lead = await signedIn('lead', { 'accept-language': 'de' })
      const form = await lead.get(`/ui/kb/articles/${id}/edit`)
      expect(form.status).toBe(200)
      const csrf = hiddenValue(form.html, '_csrf')
      const loaded = hiddenValue(form.html, 'expectedUpdatedAt')
      const fields = {
        _csrf: csrf,
        expectedUpdatedAt: loaded,
        title: 'Neuer Titel',
        body: '## Neu\n\nNeuer **Text**.',
        tags: 'router, wlan, router',
        language: 'de',
        department: 'technical',
      }
      const empty = await lead.post(`/ui/kb/articles/${id}/edit`, { ...fields, title: '  ' })
      expect(empty.status).toBe(422)
      expect(empty.html).toContain('<p class="field-error" id="f-title-error">Dieses Feld ist erforderlich.</p>')
      expect(decode(empty.html)).toContain('## Neu\n\nNeuer **Text**.</textarea>')
      const unknown = await lead.post(`/ui/kb/articles/${id}/edit`, { ...fields, language: 'xx', department: 'sales' })
      expect(unknown.status).toBe(422)
      expect(unknown.html).toContain('id="f-language-error"')
      expect(unknown.html).toContain('id="f-department-error"')
      expect((await agent.get(`/ui/kb/articles/${id}`)).html).toContain('Alter Text.') // nothing stored
      const saved = await lead.post(`/ui/kb/articles/${id}/edit`, fields)
      expect(saved.location).toBe(`/ui/kb/articles/${id}?done=savedDraft`)
      const shown = await lead.get(saved.location!)
      expect(shown.html).toContain('Gespeichert. Der Entwurf bleibt ein Entwurf')
      expect(shown.html).toContain('<strong>Text</strong>')
      expect(shown.html).toContain('<dd>router, wlan</dd>')
      const stale = await lead.post(`/ui/kb/articles/${id}/edit`, { ...fields, title: 'Zu spät' })
      expect(stale.status).toBe(409)
      expect(stale.html).toContain('Jemand hat den Artikel geändert')
      expect(stale.html).toContain('value="Zu spät"')
      expect((await lead.post(`/ui/kb/articles/${someId}/edit`, fields)).status).toBe(404)
    })
  })

  describe('staffing page', () => {
    it('shows leads next week as an hour-by-weekday table per department, in their language; agents get 403', async () => {
      const lastWeek = new Date(Date.now() + offset - 7 * 24 * hour)
      for (let i = 0; i < 30; i++)
        await sql.query(
          `INSERT INTO inquiries (body, language, channel, department, confidence, escalated, result, created_at)
           VALUES ('Frage', 'de', 'email', 'technical', 0.9, false, '{}', $1)`,
          [lastWeek],
        )
      const agent = await signedIn('agent')
      expect((await agent.get('/ui/staffing')).status).toBe(403)
      expect((await agent.get('/ui/inquiries')).html).not.toContain('href="/ui/staffing"')
      const lead = await signedIn('lead', { 'accept-language': 'de' })
      expect((await lead.get('/ui/inquiries')).html).toContain('href="/ui/staffing"')
      const page = await lead.get('/ui/staffing?weeks=1')
      expect(page.status).toBe(200)
      expect(page.html).toContain('<h1>Einsatzplanung</h1>')
      expect(page.html).toContain('<th scope="col">Mo</th>')
      expect(page.html).toContain('<th scope="row">09:00</th>')
      // 30 e-mails of 12 minutes in last week's hour, spread over 4 hours at 75 % productive: 2 agents in each.
      expect(decode(page.html)).toMatch(/title="2 Mitarbeitende für 30,0 erwartete Anfragen">2<\/td>/)
      expect(page.html).toContain('Mit einer Woche Verlauf lässt sich die Prognose nicht')
      expect((await lead.get('/ui/staffing?weeks=abc')).html).toContain('value="4"') // a weeks value it cannot mean: four
      expect(page.html).toContain('href="/ui/staffing.csv?weeks=1" download="">Als CSV herunterladen</a>')
      const csv = await lead.get('/ui/staffing.csv?weeks=1')
      expect(csv.status).toBe(200)
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="staffing-plan-\d{4}-\d\d-\d\d\.csv"$/)
      expect(csv.html.startsWith('department,weekday,hour,expected_async,expected_sync,agents\r\n')).toBe(true)
      expect(csv.html).toMatch(/\r\ntechnical,\d,\d{1,2},30,0,2\r\n/) // the hour of last week's 30 e-mails
      expect((await lead.get('/ui/staffing.csv?weeks=27')).status).toBe(422)
      expect((await agent.get('/ui/staffing.csv')).status).toBe(403)
    })
  })

  describe('reports page', () => {
    it('shows leads the overview as charts with tables and a CSV link, in their language; agents get 403', async () => {
      await sql.query(
        `INSERT INTO inquiries (body, language, channel, department, confidence, escalated, result, created_at)
         VALUES ('Frage', 'de', 'fax-test', 'commercial', 0.9, false, '{}', $1)`,
        [new Date(Date.now() + offset)],
      )
      const agent = await signedIn('agent')
      expect((await agent.get('/ui/reports')).status).toBe(403)
      expect((await agent.get('/ui/reports/overview.csv')).status).toBe(403)
      expect((await agent.get('/ui/inquiries')).html).not.toContain('href="/ui/reports"')
      const lead = await signedIn('lead', { 'accept-language': 'de' })
      expect((await lead.get('/ui/inquiries')).html).toContain('href="/ui/reports"')
      const page = await lead.get('/ui/reports')
      expect(page.status).toBe(200)
      expect(page.html).toContain('<h1>Berichte</h1>')
      expect(page.html).toMatch(/<svg class="chart columns"[^>]*role="img"/)
      expect(page.html).toContain('<title id="c-volume-t">Anfragen im Zeitverlauf</title>')
      expect(page.html).toContain('fax-test') // the channel chart and its table
      expect(page.html).toContain('<summary>Als Tabelle zeigen</summary>')
      const link = decode(/href="(\/ui\/reports\/overview\.csv\?[^"]+)"/.exec(page.html)![1]!)
      expect(link).toMatch(/^\/ui\/reports\/overview\.csv\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d&granularity=day$/)
      const csv = await lead.get(link)
      expect(csv.status).toBe(200)
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      expect(csv.headers.get('content-disposition')).toMatch(
        /^attachment; filename="report-overview-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv"$/,
      )
      expect(csv.html.startsWith('section,period,key,value\r\n')).toBe(true)
      expect(csv.html).toMatch(/\r\nchannel,\d{4}-\d\d-\d\d,fax-test,1\r\n/)
      const weekly = await lead.get('/ui/reports?granularity=week&department=commercial&from=&lang=en')
      expect(weekly.html).toContain('<h1>Reports</h1>')
      expect(weekly.html).toContain('week of ')
      expect(weekly.html).toContain('granularity=week&amp;department=commercial')
      const invalid = await lead.get('/ui/reports?from=2026-02-30&department=sales')
      expect(invalid.status).toBe(200) // the defaults, with a notice naming the fields
      expect(decode(invalid.html)).toMatch(/class="notice warn"[^>]*>[^<]*from: [^<]*department: /)
      expect((await lead.get('/ui/reports/overview.csv?granularity=month')).status).toBe(422)
    })
  })

  describe('knowledge gaps and training needs', () => {
    it('shows leads the gap topics with a draft button and CSV, the training table, and refuses agents', async () => {
      const at = new Date(Date.now() + offset - 2 * 24 * hour)
      const ids: string[] = []
      for (const body of [
        'Wie stelle ich die Zeitschaltuhr am Backofen ein?',
        'Zeitschaltuhr am Backofen einstellen, wie geht das?',
        'Backofen Zeitschaltuhr lässt sich nicht einstellen',
      ]) {
        const [row] = await sql.query<{ id: string }>(
          `INSERT INTO inquiries (body, language, department, confidence, escalated, result, created_at)
           VALUES ($1, 'de', 'technical', 0.9, false, '{"noKnowledge": true, "suggestions": []}', $2) RETURNING id`,
          [body, at],
        )
        ids.push(row!.id)
      }
      const agent = await signedIn('agent')
      for (const path of ['/ui/reports/knowledge-gaps', '/ui/reports/training-needs', '/ui/reports/knowledge-gaps/csv'])
        expect((await agent.get(path)).status).toBe(403)
      expect((await agent.get('/ui/inquiries')).html).not.toContain('href="/ui/reports/knowledge-gaps"')
      const lead = await signedIn('lead', { 'accept-language': 'de' })
      const nav = (await lead.get('/ui/inquiries')).html
      expect(nav).toContain('href="/ui/reports/knowledge-gaps"')
      expect(nav).toContain('href="/ui/reports/training-needs"')
      const gaps = await lead.get('/ui/reports/knowledge-gaps')
      expect(gaps.status).toBe(200)
      expect(gaps.html).toContain('<h1>Wissenslücken</h1>')
      const html = decode(gaps.html)
      expect(html).toMatch(/<h2 id="topic-\d+" lang="de">Fragen zu [^<]*Zeitschaltuhr/)
      expect(html).toContain('Backofen Zeitschaltuhr lässt sich nicht einstellen')
      expect(html).toContain('action="/ui/reports/knowledge-gaps/drafts"')
      expect(html).toMatch(/href="\/ui\/reports\/knowledge-gaps\/csv\?from=\d{4}-\d{2}-\d{2}&to=/)
      const csv = await lead.get('/ui/reports/knowledge-gaps/csv')
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
      expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="report-knowledge-gaps-/)

      const csrf = await lead.csrf()
      const tooShort = await lead.post('/ui/reports/knowledge-gaps/drafts', { _csrf: csrf, title: 'x', inquiryIds: ids.join(',') })
      expect(tooShort.status).toBe(422)
      expect(decode(tooShort.html)).toContain('Der Entwurf konnte nicht angelegt werden: title')
      const forged = await lead.post('/ui/reports/knowledge-gaps/drafts', {
        _csrf: 'wrong',
        title: 'Zeitschaltuhr',
        inquiryIds: ids.join(','),
      })
      expect(forged.status).toBe(403)
      const drafted = await lead.post('/ui/reports/knowledge-gaps/drafts', {
        _csrf: csrf,
        title: 'Zeitschaltuhr am Backofen einstellen',
        inquiryIds: ids.join(','),
        articleDepartment: 'technical',
      })
      expect(drafted.status).toBe(303)
      expect(drafted.location).toMatch(/^\/ui\/kb\/articles\/[0-9a-f-]{36}\/edit$/)
      const editor = await lead.get(drafted.location!)
      expect(editor.status).toBe(200)
      expect(decode(editor.html)).toContain('Zeitschaltuhr am Backofen einstellen')

      const backwards = await lead.get('/ui/reports/knowledge-gaps?from=2026-12-10&to=2026-12-01')
      expect(backwards.status).toBe(422)
      expect(decode(backwards.html)).toContain('Der Zeitraum kann nicht angezeigt werden: from')
      expect(backwards.html).toContain('value="2026-12-10"') // what was asked stays in the form

      const training = await lead.get('/ui/reports/training-needs?lang=en')
      expect(training.status).toBe(200)
      expect(training.html).toContain('<h1>Training needs</h1>')
      expect(training.html).toContain('Figures per agent are switched off (REPORTS_PER_AGENT)')
      expect(training.html).not.toContain('id="h-agents"')
      expect((await lead.get('/ui/reports/training-needs/csv')).headers.get('content-type')).toMatch(/^text\/csv/)
    })
  })

  describe('languages', () => {
    it('follows Accept-Language, and ?lang= switches and is remembered', async () => {
      const client = uiClient(t, { headers: { 'accept-language': 'de-AT,de;q=0.9,en;q=0.5' } })
      const german = await client.get('/ui/sign-in')
      expect(german.html).toContain('<html lang="de">')
      expect(german.html).toContain('API-Schlüssel')
      expect(german.headers.get('content-language')).toBe('de')
      const english = await client.get('/ui/sign-in?lang=en')
      expect(english.html).toContain('<html lang="en">')
      expect((await client.get('/ui/sign-in')).html).toContain('API key')
      expect(decode((await client.get('/ui/sign-in?lang=de')).html)).toContain('href="/ui/sign-in?lang=en"')
    })
  })

  describe('expired sessions', () => {
    it('redirects a GET to the sign-in page with next, and carries a posted form through the sign-in', async () => {
      const agent = await signedIn('agent')
      const inquiry = await triage({ subject: 'Ablauf-Test', body: 'Die Waschmaschine WM-7 zeigt E18 und pumpt nicht ab.' })
      const path = `/ui/inquiries/${inquiry.inquiryId}`
      const csrf = hiddenValue((await agent.get(path)).html, '_csrf')
      offset += 13 * hour // past UI_SESSION_HOURS (12)
      try {
        expect((await agent.get(path)).location).toBe(`/ui/sign-in?next=${encodeURIComponent(path)}`)
        const posted = await agent.post(`${path}/feedback`, {
          _csrf: csrf,
          usedArticleId: 'none',
          rating: '5',
          comment: 'halb fertig, "zitiert" & mehr',
        })
        expect(posted.status).toBe(401)
        expect(posted.html).toContain('Your session has ended')
        expect(hiddenValue(posted.html, 'carry.comment')).toBe('halb fertig, "zitiert" & mehr')
        expect(hiddenValue(posted.html, '_resume')).toBe(`${path}/feedback`)
        expect(hiddenValue(posted.html, 'next')).toBe(path)
        expect(posted.html).not.toContain(csrf)

        const resumed = await agent.post('/ui/sign-in', {
          _csrf: hiddenValue(posted.html, '_csrf'),
          key: await t.keyFor('agent'),
          next: path,
          _resume: `${path}/feedback`,
          'carry.usedArticleId': 'none',
          'carry.rating': '5',
          'carry.comment': 'halb fertig, "zitiert" & mehr',
        })
        expect(resumed.status).toBe(200)
        expect(resumed.html).toContain(`action="${path}/feedback"`)
        const sent = await agent.post(`${path}/feedback`, {
          _csrf: hiddenValue(resumed.html, '_csrf'),
          usedArticleId: hiddenValue(resumed.html, 'usedArticleId'),
          rating: hiddenValue(resumed.html, 'rating'),
          comment: hiddenValue(resumed.html, 'comment'),
        })
        expect(sent.status).toBe(303)
        expect((await listFeedback(sql, inquiry.inquiryId))[0]).toMatchObject({ rating: 5, comment: 'halb fertig, "zitiert" & mehr' })
      } finally {
        offset -= 13 * hour
      }
    })

    it('never redirects to another site after sign-in', async () => {
      const client = uiClient(t)
      const token = hiddenValue((await client.get('/ui/sign-in')).html, '_csrf')
      const answer = await client.post('/ui/sign-in', { _csrf: token, key: await t.keyFor('agent'), next: '//evil.example/ui' })
      expect(answer.location).toBe('/ui/inquiries')
    })
  })
}, 240_000)
