// The web UI end to end in real headless Chromium (Debian's package, driven by playwright-core): a lead
// signs in, claims and resolves an escalated case into a knowledge-base draft and sees it leave the
// queue; an agent opens an inquiry, copies a reply and sends feedback. Every page is screenshotted to
// test-artifacts/screenshots/ for a person to look at.
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../src/auth/api-keys.js'
import { upsertArticles } from '../../src/knowledge/ingest.js'
import type { Sql } from '../../src/storage/sql.js'
import type { TestApp } from '../helpers/app.js'
import { chromiumAvailable, openBrowserBed, requireChromiumInCi, screenshots, type BrowserBed } from '../helpers/browser.js'
import { testDatabases } from '../helpers/databases.js'
import { openSeeded } from '../helpers/seed.js'

type Json = Record<string, any>

requireChromiumInCi('web UI in Chromium')

describe.skipIf(!chromiumAvailable)(
  `web UI in Chromium${chromiumAvailable ? '' : ' (skipped: /usr/bin/chromium is missing; apt-get install -y chromium)'}`,
  () => {
    let sql: Sql
    let t: TestApp
    let bed: BrowserBed
    let base: string
    let context: BrowserBed['context']
    let page: Page
    const cspErrors: string[] = []

    const shoot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true })
    const triage = async (key: string, input: unknown) => {
      const response = await fetch(`${base}/v1/triage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      })
      expect(response.status).toBe(200)
      return (await response.json()) as Json
    }
    const signIn = async (key: string) => {
      await page.goto(`${base}/ui`)
      await page.getByLabel('API key').fill(key)
      await page.getByRole('button', { name: 'Sign in' }).click()
    }

    beforeAll(async () => {
      ;({ sql, t } = await openSeeded(testDatabases[0]!))
      bed = await openBrowserBed(t.app.fetch, { locale: 'en-GB' })
      ;({ base, context } = bed)
      page = context.pages()[0] ?? (await context.newPage())
      page.setDefaultTimeout(60_000)
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspErrors.push(message.text())
      })
    }, 600_000) // seeding and a cold Chromium start are slow on a busy machine
    afterAll(async () => {
      await bed?.close()
      await sql?.close()
    })

    it('a lead claims and resolves an escalated case into the knowledge base, and it leaves the queue', async () => {
      const lead = await createApiKey(t.deps, { name: 'Lea Lead', role: 'lead' })
      const agent = await createApiKey(t.deps, { name: 'Arne Agent', role: 'agent' })
      const inquiry = await triage(agent.key, {
        subject: 'Rechnung falsch – letzte Warnung',
        body: 'Zum dritten Mal: Ihre Rechnung RE-2024-118 ist falsch! Wenn das nicht sofort korrigiert wird, schalte ich meinen Anwalt und die Verbraucherzentrale ein!!!',
        customer: { name: 'Frau Berger', email: 'berger@example.com', tier: 'premium' },
        externalId: 'T-4711',
      })
      expect(inquiry.escalation.escalate).toBe(true)
      const caseId = inquiry.escalation.id as string

      await page.goto(`${base}/ui`)
      await expect.poll(() => page.url()).toContain('/ui/sign-in')
      await shoot('01-sign-in')
      await signIn(lead.key)
      await page.waitForURL(`${base}/ui/escalations`)
      const row = page.locator('tr', { has: page.locator(`a[href="/ui/escalations/${caseId}"]`) })
      await expect.poll(() => row.count()).toBe(1)
      expect(await row.innerText()).toContain('Legal threat')
      await shoot('04-queue')
      await page.goto(`${base}/ui/escalations?lang=de`)
      await shoot('04-queue-de')
      await page.goto(`${base}/ui/escalations?lang=en`)

      await row.getByRole('link').click()
      await page.waitForURL(`${base}/ui/escalations/${caseId}`)
      await page.getByRole('button', { name: 'Claim this case' }).click()
      await page.waitForURL(/done=claimed/)
      expect(await page.getByRole('status').innerText()).toContain('You claimed this case.')
      await page.getByLabel('Resolution (what was done)').fill('Invoice corrected, credit note issued, customer called back.')
      await page.getByLabel('Final department').selectOption('commercial')
      await page
        .getByLabel('Reply to the customer')
        .fill(
          'Sehr geehrte Frau Berger, die Rechnung RE-2024-118 war falsch berechnet. Wir haben sie korrigiert und Ihnen den Differenzbetrag gutgeschrieben.',
        )
      await page.getByLabel('Add this reply to the knowledge base').check()
      await page.getByLabel('Article title (optional)').fill('Falsche Rechnung: Korrektur und Gutschrift')
      await shoot('05-case')
      await page.getByRole('button', { name: 'Resolve case' }).click()
      await page.waitForURL(/done=resolved/)
      expect(await page.getByRole('status').innerText()).toContain('The case is resolved.')

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Escalations' }).click()
      await page.waitForURL(`${base}/ui/escalations`)
      expect(await page.locator(`a[href="/ui/escalations/${caseId}"]`).count()).toBe(0)

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Drafts' }).click()
      const draft = page.locator('tr', { hasText: 'Falsche Rechnung: Korrektur und Gutschrift' })
      await expect.poll(() => draft.count()).toBe(1)
      await shoot('07-drafts')
      await draft.getByRole('link').click()
      const neutral = await page.locator('main').innerText()
      expect(neutral).toContain("Made from a lead's reply and neutralised")
      expect(neutral).not.toContain('Frau Berger') // the reply's salutation is not part of the article
      await shoot('07b-draft-review')
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Drafts' }).click()
      await draft.getByRole('button', { name: /Publish/ }).click()
      await page.waitForURL(/done=published/)

      await page.goto(`${base}/ui/kb?q=${encodeURIComponent('Rechnung falsch berechnet Gutschrift')}`)
      expect(await page.locator('main').innerText()).toContain('Falsche Rechnung: Korrektur und Gutschrift')
      await shoot('06-kb-search')
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL(/signed_out=1/)
    })

    it('an agent opens an inquiry, copies a suggested reply and sends feedback', async () => {
      const agent = await createApiKey(t.deps, { name: 'Arne Agent', role: 'agent' })
      const inquiry = await triage(agent.key, {
        subject: 'Waschmaschine zeigt E18',
        body: 'Guten Tag, meine Waschmaschine WM-7 pumpt nicht ab und zeigt den Fehler E18. Was kann ich tun?',
        customer: { name: 'Herr Schulz', email: 'schulz@example.com' },
      })
      expect(inquiry.suggestions.length).toBeGreaterThan(0)
      await signIn(agent.key)
      await page.waitForURL(`${base}/ui/inquiries`)
      await shoot('02-inquiries')
      await page.locator(`a[href="/ui/inquiries/${inquiry.inquiryId}"]`).click()
      await page.waitForURL(`${base}/ui/inquiries/${inquiry.inquiryId}`)
      const copy = page.getByRole('button', { name: 'Copy reply' }).first()
      expect(await copy.isVisible()).toBe(true) // shown by the script: the CSP let it run
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base })
      await copy.click()
      await expect.poll(() => page.getByRole('button', { name: 'Copied' }).count()).toBeGreaterThan(0)
      await shoot('03-inquiry')

      await page.getByRole('button', { name: 'Send feedback' }).click() // nothing chosen: 422 at the field
      expect(await page.locator('#f-usedArticleId-error').innerText()).toBe('Choose one of the options.')
      await page.locator('#h-feedback').scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(screenshots, '03b-feedback-422.png') })
      await page.getByRole('radio', { name: /Suggestion 1:/ }).check()
      await page.getByLabel('I edited the reply before sending it').check()
      await page.locator('input[name="rating"][value="4"]').check()
      await page.getByLabel('Comment (optional)').fill('Passte gut, nur die Anrede angepasst.')
      await page.getByRole('button', { name: 'Send feedback' }).click()
      await page.waitForURL(/feedback=saved/)
      expect(await page.getByRole('status').innerText()).toContain('Thank you, your feedback is saved.')
      const stored = await sql.query<{ rating: number; edited: boolean }>(
        'SELECT rating, edited FROM inquiry_feedback WHERE inquiry_id = $1',
        [inquiry.inquiryId],
      )
      expect(stored).toEqual([{ rating: 4, edited: true }])
      expect(cspErrors).toEqual([])
    })

    it('stays usable on a 390 px phone in German: the tables scroll in their own box, the page does not overflow', async () => {
      const agent = await createApiKey(t.deps, { name: 'Arne Agent', role: 'agent' })
      const inquiry = await triage(agent.key, {
        subject: 'Waschmaschine WM-7 zeigt nach dem Umzug dauerhaft den Fehler E18 und pumpt nicht mehr ab',
        body: 'Guten Tag, meine Waschmaschine WM-7 pumpt seit dem Umzug nicht mehr ab und zeigt E18. Was kann ich tun?',
        customer: { name: 'FRAU DR. ANNA KRAUS', email: 'anna.kraus@example.com' },
      })
      const corrected = inquiry.department === 'technical' ? 'commercial' : 'technical'
      const feedback = await fetch(`${base}/v1/inquiries/${inquiry.inquiryId}/feedback`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agent.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ usedArticleId: null, correctDepartment: corrected }),
      })
      expect(feedback.status).toBe(201)
      await page.setViewportSize({ width: 390, height: 844 })
      try {
        await context.clearCookies() // the test before ends signed in as another agent
        await signIn(agent.key)
        await page.waitForURL(`${base}/ui/inquiries`)
        await page.goto(`${base}/ui/inquiries?lang=de`)
        const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        expect(await overflow()).toBeLessThanOrEqual(0)
        // The table is wider than the phone: its box scrolls, and scrolled to the end it shows the last column whole.
        const table = await page.locator('.table-wrap').evaluate((wrap) => {
          const wider = wrap.scrollWidth > wrap.clientWidth
          wrap.scrollLeft = wrap.scrollWidth
          const last = wrap.querySelector('th:last-child')!.getBoundingClientRect()
          return { wider, lastInside: last.right <= wrap.getBoundingClientRect().right + 1 && last.left >= 0 }
        })
        expect(table).toEqual({ wider: true, lastInside: true })
        const row = page.locator('tr', { has: page.locator(`a[href="/ui/inquiries/${inquiry.inquiryId}"]`) })
        expect(await row.innerText()).toMatch(/korrigiert, ursprünglich: (Technik|Kaufmännisch)/)
        await page.locator('.table-wrap').evaluate((wrap) => {
          wrap.scrollLeft = 0
        })
        await shoot('08-inquiries-390-de')

        await page.goto(`${base}/ui/inquiries/${inquiry.inquiryId}`)
        expect(await overflow()).toBeLessThanOrEqual(0)
        expect(await page.locator('#reply-1').inputValue()).toMatch(/^Sehr geehrte Frau Dr\. Kraus,\n/)
        expect(await page.locator('#h-classification').locator('..').innerText()).toMatch(/korrigiert, ursprünglich/)
        expect(await page.locator('time').first().innerText()).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/)
        await shoot('09-inquiry-390-de')
      } finally {
        await page.goto(`${base}/ui/inquiries?lang=en`)
        await page.setViewportSize({ width: 1280, height: 900 })
      }
    })

    it('shows strong and weak suggestions apart: words, a meter, and a reply ready only for a good match', async () => {
      const agent = await createApiKey(t.deps, { name: 'Arne Agent', role: 'agent' })
      const strong = await triage(agent.key, {
        subject: 'Wasser unter dem Geschirrspüler',
        body: 'Unter meinem Geschirrspüler steht Wasser, der Aquastop hat ausgelöst. Was soll ich tun?',
      })
      const weak = await triage(agent.key, {
        subject: 'Geschirrspüler und Rechnung',
        body: 'Mein Geschirrspüler ist undicht und außerdem stimmt die Rechnung nicht.',
      })
      await context.clearCookies()
      await signIn(agent.key)
      await page.waitForURL(`${base}/ui/inquiries`)
      for (const lang of ['de', 'en'] as const) {
        const words =
          lang === 'de' ? { good: 'passt gut', other: /vielleicht|eher nicht/ } : { good: 'good match', other: /maybe|probably not/ }
        await page.goto(`${base}/ui/inquiries/${strong.inquiryId}?lang=${lang}`)
        expect(await page.locator('article.suggestion').first().innerText()).toContain(words.good)
        expect(await page.locator('#reply-1').isVisible()).toBe(true) // a good match: the reply is open, ready to copy
        await shoot(`10-suggestions-strong-${lang}`)
        await page.goto(`${base}/ui/inquiries/${weak.inquiryId}?lang=${lang}`)
        const cards = page.locator('article.suggestion')
        expect(await cards.count()).toBeGreaterThan(0)
        for (const card of await cards.all()) {
          expect(await card.innerText()).toMatch(words.other)
          expect(await card.locator('textarea.reply').isVisible()).toBe(false) // folded: the agent opens it on purpose
        }
        await shoot(`11-suggestions-weak-${lang}`)
      }
      expect(cspErrors).toEqual([])
    })

    it('an editor browses the knowledge base, reads rendered Markdown and edits a draft before publishing, in both languages and at 390 px', async () => {
      const lead = await createApiKey(t.deps, { name: 'Lea Lead', role: 'lead' })
      const [draft] = (
        await upsertArticles(
          t.deps,
          [
            {
              externalId: 'browser-draft',
              title: 'Router neu starten',
              body: '## Schritte\n\n1. Stecker ziehen\n2. **30 Sekunden** warten\n\n<script>document.title = "hacked"</script>\n\n<img src=x onerror="document.title = \'hacked\'">',
              language: 'de',
              department: 'technical',
              tags: ['router', 'needs-review'],
            },
          ],
          { status: 'draft' },
        )
      ).items
      const articlePath = `/ui/kb/articles/${draft!.articleId}`
      await context.clearCookies()
      await signIn(lead.key)
      await page.waitForURL(`${base}/ui/escalations`)

      for (const lang of ['en', 'de'] as const) {
        await page.goto(`${base}/ui/kb?lang=${lang}`)
        expect(await page.locator('#h-all').innerText()).toBe(lang === 'de' ? 'Alle Artikel' : 'All articles')
        expect(await page.locator('tbody tr').count()).toBeGreaterThan(10)
        await shoot(`12-kb-browse-${lang}`)
        await page.locator('#f-status').selectOption('draft')
        await page.locator('#f-tag').fill('router')
        await page.getByRole('button', { name: lang === 'de' ? 'Filter anwenden' : 'Apply filters' }).click()
        await page.waitForURL(/status=draft/)
        expect(await page.locator('tbody').innerText()).toContain('Router neu starten')
        await shoot(`13-kb-drafts-filtered-${lang}`)
      }

      await page.goto(`${base}${articlePath}?lang=en`)
      expect(await page.locator('.article-body strong').innerText()).toBe('30 Sekunden')
      expect(await page.locator('.article-body ol li').count()).toBe(2)
      expect(await page.locator('.article-body').innerText()).toContain('<script>') // shown as text
      expect(await page.title()).not.toBe('hacked') // and never run
      await shoot('14-kb-article-draft-en')

      await page.getByRole('link', { name: 'Edit' }).click()
      await page.waitForURL(`${base}${articlePath}/edit`)
      await page.getByLabel('Title').fill('')
      await page.getByRole('button', { name: 'Save' }).click()
      expect(await page.locator('#f-title-error').innerText()).toBe('This field is required.')
      await shoot('15-kb-editor-422-en')
      await page.getByLabel('Title').fill('WLAN-Router neu starten')
      await page
        .getByLabel('Text (Markdown)')
        .fill('## Schritte\n\n1. Stecker ziehen\n2. **30 Sekunden** warten\n3. Stecker wieder einstecken')
      await page.getByLabel('Tags').fill('router, wlan')
      await shoot('15-kb-editor-en')
      await page.getByRole('button', { name: 'Save' }).click()
      await page.waitForURL(/done=savedDraft/)
      expect(await page.locator('h1').innerText()).toBe('WLAN-Router neu starten')
      expect(await page.locator('.article-body ol li').count()).toBe(3)

      await page.setViewportSize({ width: 390, height: 844 })
      try {
        const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        await page.goto(`${base}${articlePath}/edit?lang=de`)
        expect(await page.getByLabel('Titel').inputValue()).toBe('WLAN-Router neu starten')
        expect(await overflow()).toBeLessThanOrEqual(0)
        await shoot('16-kb-editor-390-de')
        await page.goto(`${base}/ui/kb?lang=de`)
        expect(await overflow()).toBeLessThanOrEqual(0)
        await shoot('17-kb-browse-390-de')
        await page.goto(`${base}${articlePath}`)
        await page.getByRole('button', { name: 'Veröffentlichen' }).click()
        await page.waitForURL(/done=published/)
        expect(await overflow()).toBeLessThanOrEqual(0)
        await shoot('18-kb-article-390-de')
      } finally {
        await page.goto(`${base}/ui/kb?lang=en`)
        await page.setViewportSize({ width: 1280, height: 900 })
      }
      expect(cspErrors).toEqual([])
    })

    it('a lead reads the knowledge gaps and training needs in both languages, and drafts an article for a gap', async () => {
      const lead = await createApiKey(t.deps, { name: 'Lea Lead', role: 'lead' })
      const agent = await createApiKey(t.deps, { name: 'Arne Agent', role: 'agent' })
      const recent = (days: number) => new Date(Date.now() - days * 86_400_000)
      const gap = async (body: string, language: string, days: number, department = 'technical') =>
        (
          await sql.query<{ id: string }>(
            `INSERT INTO inquiries (body, language, department, confidence, escalated, result, created_at)
             VALUES ($1, $2, $3, 0.9, false, '{"noKnowledge": true, "suggestions": []}', $4) RETURNING id`,
            [body, language, department, recent(days)],
          )
        )[0]!.id
      for (const [body, days] of [
        ['Wie stelle ich die Zeitschaltuhr am Backofen ein?', 20],
        ['Zeitschaltuhr am Backofen einstellen, wie geht das?', 6],
        ['Backofen Zeitschaltuhr lässt sich nicht einstellen', 3],
        ['Backofen: Zeitschaltuhr blinkt und lässt sich nicht einstellen', 1],
      ] as const)
        await gap(body, 'de', days)
      for (const [body, days] of [
        ['How do I change the billing address on my invoice?', 9],
        ['Please change the billing address for my invoices.', 2],
      ] as const)
        await gap(body, 'en', days, 'commercial')
      const corrected = await gap('Kündigung des Wartungsvertrags zum Jahresende', 'de', 4, 'technical')
      await sql.query(
        `INSERT INTO inquiry_feedback (inquiry_id, used_article_id, correct_department, author_key_id) VALUES ($1, NULL, 'commercial', $2)`,
        [corrected, agent.id],
      )
      await context.clearCookies()
      await signIn(lead.key)
      await page.waitForURL(`${base}/ui/escalations`)
      for (const lang of ['de', 'en'] as const) {
        await page.goto(`${base}/ui/reports/knowledge-gaps?lang=${lang}`)
        expect(await page.locator('h1').innerText()).toBe(lang === 'de' ? 'Wissenslücken' : 'Knowledge gaps')
        expect(await page.locator('section.card h2').first().innerText()).toMatch(/Zeitschaltuhr|Backofen/)
        await shoot(`22-gaps-${lang}`)
        await page.goto(`${base}/ui/reports/training-needs?lang=${lang}`)
        expect(await page.locator('h1').innerText()).toBe(lang === 'de' ? 'Schulungsbedarf' : 'Training needs')
        expect(await page.locator('#h-departments').count()).toBe(1)
        await shoot(`23-training-${lang}`)
      }
      await page.goto(`${base}/ui/reports/knowledge-gaps?lang=en`)
      await page.getByRole('button', { name: 'Draft an article' }).first().click()
      await page.waitForURL(/\/ui\/kb\/articles\/[0-9a-f-]{36}\/edit$/)
      expect(await page.locator('textarea').first().inputValue()).toContain('Zeitschaltuhr')
      expect(cspErrors).toEqual([])
    })

    it("a lead reads next week's staffing heatmap in both languages and on a phone", async () => {
      const lead = await createApiKey(t.deps, { name: 'Lea Lead', role: 'lead' })
      // Two weeks of Monday-to-Friday traffic peaking at 10:00, one and two weeks ago.
      for (const weeksAgo of [1, 2])
        for (let day = 0; day < 5; day++)
          for (const [hourOffset, count] of [
            [0, 4],
            [1, 12],
            [2, 6],
          ] as const) {
            const at = new Date(Date.now() - weeksAgo * 7 * 86_400_000 + (day - 2) * 86_400_000)
            at.setUTCHours(8 + hourOffset, 15, 0, 0)
            for (let i = 0; i < count; i++)
              await sql.query(
                `INSERT INTO inquiries (body, language, channel, department, confidence, escalated, result, created_at)
                 VALUES ('Frage', 'de', $1, $2, 0.9, false, '{}', $3)`,
                [i % 2 ? 'phone' : 'email', i % 3 ? 'technical' : 'commercial', at],
              )
          }
      await context.clearCookies()
      await signIn(lead.key)
      await page.waitForURL(`${base}/ui/escalations`)
      for (const lang of ['de', 'en'] as const) {
        await page.goto(`${base}/ui/staffing?weeks=3&lang=${lang}`)
        expect(await page.locator('h1').innerText()).toBe(lang === 'de' ? 'Einsatzplanung' : 'Staffing plan')
        expect(await page.locator('table.heatmap').count()).toBe(2)
        expect(await page.locator('table.heatmap td.heat-5').count()).toBeGreaterThan(0)
        await shoot(`19-staffing-${lang}`)
      }
      await page.setViewportSize({ width: 390, height: 844 })
      try {
        await page.goto(`${base}/ui/staffing?lang=de`)
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
        await shoot('20-staffing-390-de')
      } finally {
        await page.goto(`${base}/ui/staffing?lang=en`)
        await page.setViewportSize({ width: 1280, height: 900 })
      }
      expect(cspErrors).toEqual([])
    })

    it('a lead reads the reports page: the overview as charts in both languages, downloaded as CSV too', async () => {
      const lead = await createApiKey(t.deps, { name: 'Lea Lead', role: 'lead' })
      // Two weeks of traffic in two languages and three channels; some escalated, some complaints, some feedback.
      for (let day = 1; day <= 14; day++)
        for (let i = 0; i < 3 + ((day * 7) % 9); i++) {
          const at = new Date(Date.now() - day * 86_400_000)
          at.setUTCHours(7 + ((i * 5 + day) % 10), (i * 13) % 60, 0, 0)
          const reasons = i % 5 === 0 ? ['legal_threat'] : i % 4 === 1 ? ['anger', 'complaint'] : i % 3 === 2 ? ['complaint'] : []
          const escalated = reasons.length > 0 && reasons[0] !== 'complaint'
          const result = { escalation: { reasons: reasons.map((code) => ({ code, detail: '' })), scores: { complaint: 0.5 } } }
          const [row] = await sql.query<{ id: string }>(
            `INSERT INTO inquiries (body, language, channel, department, confidence, escalated, result, created_at)
             VALUES ('Frage', $1, $2, $3, 0.9, $4, $5::jsonb, $6) RETURNING id`,
            [
              i % 3 ? 'de' : 'en',
              ['email', 'phone', 'chat'][i % 3],
              i % 2 ? 'technical' : 'commercial',
              escalated,
              JSON.stringify(result),
              at,
            ],
          )
          if (escalated)
            await sql.query(
              `INSERT INTO escalations (inquiry_id, department, score, reasons, due_at, created_at, claimed_at, resolved_at, status)
               VALUES ($1, 'technical', 0.9, $2::jsonb, $3::timestamptz + interval '4 hours', $3, $3::timestamptz + $4 * interval '1 minute',
                       $3::timestamptz + $4 * interval '3 minutes', 'resolved')`,
              [row!.id, JSON.stringify(result.escalation.reasons), at, 30 + ((i * 47) % 150)],
            )
          if (i % 2 === 0)
            await sql.query(
              `INSERT INTO inquiry_feedback (inquiry_id, used_article_id, edited, correct_department, created_at) VALUES ($1, $2, $3, $4, $5)`,
              [row!.id, i % 6 === 4 ? null : '00000000-0000-4000-8000-0000000000aa', i % 4 === 2, i === 6 ? 'technical' : null, at],
            )
        }
      await context.clearCookies()
      await signIn(lead.key)
      await page.waitForURL(`${base}/ui/escalations`)
      for (const lang of ['de', 'en'] as const) {
        await page.goto(`${base}/ui/reports?lang=${lang}`)
        expect(await page.locator('h1').innerText()).toBe(lang === 'de' ? 'Berichte' : 'Reports')
        expect(await page.locator('svg.chart').count()).toBe(6)
        await shoot(`21-reports-${lang}`)
      }
      const href = await page.locator('a[href^="/ui/reports/overview.csv"]').getAttribute('href')
      const csv = await context.request.get(`${base}${href}`)
      expect(csv.status()).toBe(200)
      expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="report-overview-/)
      expect((await csv.text()).startsWith('section,period,key,value')).toBe(true)
      await page.setViewportSize({ width: 390, height: 844 })
      try {
        await page.goto(`${base}/ui/reports?lang=de`)
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
      } finally {
        await page.goto(`${base}/ui/reports?lang=en`)
        await page.setViewportSize({ width: 1280, height: 900 })
      }
      expect(cspErrors).toEqual([])
    })
  },
)
