import { beforeAll, describe, expect, it } from 'vitest'
import { assessText } from '../../src/triage/escalation/assess.js'
import type { DetectorState } from '../../src/triage/escalation/detector-service.js'
import { textReasonsOf } from '../../src/triage/escalation/policy.js'
import { shippedDetector } from '../helpers/escalation.js'

// The shipped detector on the kinds of inquiries issue 16 names: cases the old rules missed, their
// false alarms, garbage, and the one rule kept (safety). Written here, not by the corpus writers.
describe('the shipped escalation detector', () => {
  let detector: DetectorState
  beforeAll(async () => {
    detector = await shippedDetector()
  }, 300_000)
  const fired = (text: string) => assessText(detector, text).fired.map((reason) => reason.code)

  it('finds the kinds of case the old rules missed, with the reason a lead expects', () => {
    const cases: Array<[string, string]> = [
      ['Seit der Wartung gestern riecht es im Heizungskeller deutlich nach Gas. Was sollen wir tun?', 'safety'],
      ['Under the dishwasher there is a pool of water and it has soaked into the kitchen floorboards.', 'safety'],
      ['Hiermit zeigen wir Ihnen förmlich die Verletzung des Wartungsvertrags an und setzen eine Frist bis zum 15.', 'legal_threat'],
      ['Someone logged into my account, changed the delivery address and ordered two laptops I never bought.', 'fraud'],
      [
        'Unsere Produktionslinie steht seit heute Morgen still, weil die Steuerung nach Ihrem Update nicht mehr startet.',
        'business_critical',
      ],
      ['After your technician reset the NAS all our family photos from the last ten years are gone.', 'data_loss'],
      ['Meine Mutter ist 89 und sitzt seit drei Tagen ohne Heizung in ihrer Wohnung, draußen sind minus acht Grad.', 'vulnerable_customer'],
      ['This is the third repair of the same washing machine and it is broken again.', 'repeated_failure'],
      [
        'Zum zweiten Mal ist Ihr Techniker nicht erschienen. Ich habe mir zweimal freigenommen und verlange eine Entschädigung.',
        'compensation_claim',
      ],
      ['I am a reporter at the Hamburger Morgenpost and would like a comment on the outages in Altona.', 'public_exposure'],
    ]
    const missed = cases.filter(([text, reason]) => !fired(text).includes(reason))
    expect(missed.map(([text, reason]) => `${reason}: ${text}`)).toEqual([])
  })

  it('raises none of the old false alarms', () => {
    const harmless = [
      'Our smoke detector beeps every minute, I think the battery is low. Which battery does it need?',
      'How do I pair the Fire TV stick with the soundbar?',
      'Which ports must the firewall open for the HomeHub?',
      'Kanzlei Dr. Weber: Bitte senden Sie uns eine Kopie der Rechnung 2024-1183.',
      'Our legal department asks for a copy of invoice 4471 for the audit.',
      'The new app update is great, the dark mode is a real killer feature!',
      '!!!!',
    ]
    const alarms = harmless
      .map((text) => ({ text, reasons: fired(text).filter((code) => code !== 'complaint') }))
      .filter((entry) => entry.reasons.length)
    expect(alarms).toEqual([])
  })

  it('never reads anger, or any reason, into garbage, punctuation or emoji, and never a NaN', () => {
    for (const text of [
      '!!!!!!!!',
      '?!?!?!',
      '😡😡😡😡',
      '🔥🔥',
      '...',
      '-',
      '%%%%$$$$####',
      '\u200b\u200b',
      '1234 5678',
      'asdf',
      'xxxxx yyyy',
    ]) {
      const assessment = assessText(detector, text)
      // Nothing to read fires nothing; letters without meaning may look like a complaint, never more.
      expect(
        assessment.fired.filter((reason) => reason.code !== 'complaint'),
        text,
      ).toEqual([])
      if (!/\p{L}{3}/u.test(text)) expect(assessment.fired, text).toEqual([])
      for (const [code, probability] of Object.entries(assessment.scores))
        expect(Number.isFinite(probability), `${text} ${code}`).toBe(true)
      for (const reason of assessment.fired) expect(reason.detail, text).not.toMatch(/NaN/)
    }
    expect(Object.keys(assessText(detector, 'Hallo').scores).sort()).toEqual(
      textReasonsOf(detector.policy.policy)
        .map((reason) => reason.code)
        .sort(),
    )
  })

  it('keeps the safety rule: a hazard under a long unrelated message is outvoted in the model alone', () => {
    const buried =
      'Rechnungsfrage zur Bestellung 5521: Bitte stellen Sie die Rechnung auf unsere Firma aus, mit Umsatzsteuer-ID und Kostenstelle 17, und senden Sie sie an die Buchhaltung. Das Zahlungsziel sind 30 Tage. Übrigens steigt aus den Lüftungsschlitzen unseres Routers gerade Rauch auf.'
    const alone = detector.model.score(buried).get('safety')!.probability
    expect(alone).toBeLessThan(detector.model.reasons.get('safety')!.threshold) // the model alone would miss it
    const safety = assessText(detector, buried).fired.find((reason) => reason.code === 'safety')
    expect(safety?.detail).toMatch(/with a safety pattern/)
    // The pattern alone is not enough: a harmless sentence with it stays below the lowered bar.
    expect(fired('Wie richte ich den Fire TV Stick ein?')).not.toContain('safety')
  })

  it('explains each fired reason with its probability and the phrases behind it', () => {
    const [reason] = assessText(detector, 'Mein Anwalt wird Klage einreichen, wenn Sie nicht zahlen.').fired.filter(
      (entry) => entry.code === 'legal_threat',
    )
    expect(reason?.detail).toMatch(/^probability [01]\.\d\d \(fires from 0\.\d\d\): ".+"/)
    expect(reason?.detail).toMatch(/Anwalt|Klage/)
  })
})
