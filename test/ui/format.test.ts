import { describe, expect, it } from 'vitest'
import { formatterFor, localNumber } from '../../src/ui/format.js'
import { translator } from '../../src/ui/i18n.js'
import type { View } from '../../src/ui/layout.js'
import { localiseReasonDetail } from '../../src/ui/reason-detail.js'

const nbsp = '\u00a0'

describe('UI number and date formats', () => {
  const de = formatterFor('de', 'Europe/Berlin')
  const en = formatterFor('en', 'Europe/Berlin')

  it('writes decimals with a comma in German and a point in English, with the digits asked for', () => {
    expect([de.number(0.96), de.number(0.9), de.number(1234.5, 1), de.number(48, 0)]).toEqual(['0,96', '0,90', '1.234,5', '48'])
    expect([en.number(0.96), en.number(0.9), en.number(1234.5, 1)]).toEqual(['0.96', '0.90', '1,234.5'])
  })

  it('writes shares as whole percentages, and a dash for none', () => {
    expect(de.percent(0.956)).toBe(`96${nbsp}%`)
    expect(en.percent(0.956)).toBe('96%')
    expect(de.percent(null)).toBe('—')
    expect(en.percent(undefined)).toBe('—')
  })

  it('writes times in the UI time zone: 07.12.2026 in German, summer and winter time included', () => {
    expect(de.dateTime('2026-12-07T13:05:00Z')).toBe('07.12.2026, 14:05')
    expect(de.dateTime(new Date('2026-07-01T22:30:00Z'))).toBe('02.07.2026, 00:30')
    expect(en.dateTime('2026-12-07T13:05:00Z')).toBe('7 Dec 2026, 14:05')
    expect(formatterFor('de', 'UTC').dateTime('2026-12-07T13:05:00Z')).toBe('07.12.2026, 13:05')
    expect([de.dateTime(null), de.dateTime('not a date')]).toEqual(['—', '—'])
  })

  it('rewrites a number from machine text in the reader notation, keeping its decimals', () => {
    expect(['0.96', '40.0', '48', '0.25'].map((written) => localNumber(de, written))).toEqual(['0,96', '40,0', '48', '0,25'])
    expect(localNumber(en, '40.0')).toBe('40.0')
  })
})

describe('escalation reason details in the UI', () => {
  const view = (lang: 'de' | 'en'): View => ({
    t: translator(lang),
    lang,
    session: undefined,
    path: '/ui',
    timeZone: 'Europe/Berlin',
    format: formatterFor(lang, 'Europe/Berlin'),
    requestId: 'test',
    reasonName: (code) => ({ safety: 'Gefahr für Menschen oder Sachen' })[code] ?? code,
  })

  // The details as triage writes them (assess.ts, pipeline.ts, llm-step.ts, needs-lead.ts) and as a German page shows them.
  const cases: Array<[string, string]> = [
    ['probability 0.96 (fires from 0.50): "Frechheit", "Anwalt"', 'Wahrscheinlichkeit 0,96 (Schwelle 0,50): „Frechheit“, „Anwalt“'],
    [
      'probability 0.31 (fires from 0.15 with a safety pattern): "kommt Rauch raus"',
      'Wahrscheinlichkeit 0,31 (Schwelle 0,15, gesenkt wegen eines Textmusters für „Gefahr für Menschen oder Sachen“): „kommt Rauch raus“',
    ],
    ['probability 0.7 (fires from 0.65)', 'Wahrscheinlichkeit 0,7 (Schwelle 0,65)'],
    [
      'probability 0.48, just below 0.50; LLM second opinion: threatens a lawyer',
      'Wahrscheinlichkeit 0,48, knapp unter 0,50; zweite Meinung des Sprachmodells: threatens a lawyer',
    ],
    ['department confidence 0.42 is below 0.55', 'Konfidenz der Abteilung 0,42 liegt unter 0,55'],
    ['the knowledge base has no article for this inquiry', 'Die Wissensdatenbank hat keinen Artikel zu dieser Anfrage'],
    [
      'best article "Fehler E18" is not close enough (similarity 0.12, needs 0.15)',
      'Der beste Artikel „Fehler E18“ passt nicht genau genug (Ähnlichkeit 0,12, nötig 0,15)',
    ],
    [
      'account "Hotel Seeblick GmbH" (K-1001) is a key account, recognised by customer id',
      'Konto „Hotel Seeblick GmbH“ (K-1001) ist ein Key Account, erkannt an der Kundennummer',
    ],
    ['customer tier is key_account (from the request)', 'Kundenstufe Key Account (laut Anfrage)'],
    ['inquiry 3 from this customer within 30 days', '3. Anfrage dieses Kunden innerhalb von 30 Tagen'],
    [
      'waiting 40.0 h of a 48 h first-response target (standard)',
      'wartet seit 40,0 Std. bei einer Frist von 48 Std. für die erste Antwort (Standard)',
    ],
    [
      'waiting 7.5 h of a 8 h first-response target (account K-1001)',
      'wartet seit 7,5 Std. bei einer Frist von 8 Std. für die erste Antwort (Konto K-1001)',
    ],
    ['Arne Agent (agent) asked for a lead: bitte prüfen', 'Arne Agent (Agent) hat die Leitung angefordert: bitte prüfen'],
    ['Lea Lead (lead) asked for a lead', 'Lea Lead (Teamleitung) hat die Leitung angefordert'],
    ['something a later version writes', 'something a later version writes'],
  ]

  it.each(cases)('%s', (detail, german) => {
    expect(localiseReasonDetail(view('de'), detail)).toBe(german)
    expect(localiseReasonDetail(view('en'), detail)).toBe(detail)
  })
})
