import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runEval, writeFiles } from './support.js'

const technical = [
  ['Router verliert WLAN', 'Seit dem Update bricht das WLAN alle paar Minuten ab.', 'de'],
  ['Drucker druckt nicht', 'Der Drucker zeigt Fehler E04 und zieht kein Papier ein.', 'de'],
  ['App stürzt ab', 'Die App schließt sich sofort nach dem Start.', 'de'],
  ['Login fails', 'I cannot log in, the page says server error 500.', 'en'],
  ['Laptop overheating', 'My laptop fan is loud and the device shuts down.', 'en'],
  ['Sync broken', 'The calendar sync stopped working after the update.', 'en'],
  ['VPN disconnects', 'The VPN connection drops every hour with error 809.', 'en'],
  ['Firmware-Update hängt', 'Das Firmware-Update bleibt bei 40 Prozent stehen.', 'de'],
]
const commercial = [
  ['Rechnung falsch', 'Auf meiner Rechnung wurde der Rabatt nicht abgezogen.', 'de'],
  ['Rückerstattung', 'Ich warte seit drei Wochen auf meine Rückerstattung.', 'de'],
  ['Angebot', 'Bitte schicken Sie mir ein Angebot für 20 Lizenzen.', 'de'],
  ['Invoice copy', 'Please send me a copy of last month’s invoice.', 'en'],
  ['Refund request', 'I returned the order and want my money back.', 'en'],
  ['Pricing question', 'What does the annual plan cost with a discount?', 'en'],
  ['Cancel subscription', 'I want to cancel my subscription and stop payments.', 'en'],
  ['Zahlung doppelt', 'Die Zahlung wurde zweimal von meiner Karte abgebucht.', 'de'],
]
const rows = (entries: string[][], department: string) =>
  entries.map(([subject, body, language]) => ({
    subject,
    body,
    language,
    department,
    priority: 'low',
    answer: `Zu "${subject}": wir kümmern uns darum.`,
  }))

describe('npm run eval -- --train --test on external files', () => {
  it('prints exactly one JSON object on stdout, with department, retrieval and escalation figures', async () => {
    const test = [
      {
        subject: 'WLAN weg',
        body: 'Das WLAN am Router fällt ständig aus.',
        language: 'de',
        department: 'technical',
        priority: 'high',
        answer: 'Bitte starten Sie den Router neu und prüfen Sie die Firmware.',
      },
      {
        subject: 'Money back',
        body: 'Where is the refund for my returned order?',
        language: 'en',
        department: 'commercial',
        priority: 'medium',
        answer: 'Refunds reach your account within five working days of the return.',
      },
      {
        subject: 'Holiday request',
        body: 'How do I request vacation days?',
        language: 'en',
        department: 'other',
        priority: 'low',
        answer: 'Vacation requests go through the HR portal.',
      },
      { text: 'The app crashes when I open settings.', language: 'en', department: 'technical' },
    ]
    const dir = await writeFiles({
      'train.jsonl': [
        ...rows(technical, 'technical'),
        ...rows(commercial, 'commercial'),
        { body: 'Payroll question', department: 'other' },
      ],
      'test.jsonl': test,
    })
    const run = await runEval(['--train', join(dir, 'train.jsonl'), '--test', join(dir, 'test.jsonl'), '--json'])
    expect(run.code, run.stderr).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const result = JSON.parse(lines[0]!) as Record<string, any>
    expect(result).toMatchObject({ mode: 'train-test', n: 4, trainExamples: 16 })
    // Department: the three technical/commercial rows; the "other" row is left out.
    expect(result.department).toMatchObject({ n: 3, accuracy: expect.any(Number), macroF1: expect.any(Number), ece: expect.any(Number) })
    expect(Object.keys(result.department.byLanguage).sort()).toEqual(['de', 'en'])
    expect(result.department.byLanguage.de).toMatchObject({
      n: 1,
      accuracy: expect.any(Number),
      macroF1: expect.any(Number),
      ece: expect.any(Number),
    })
    // Retrieval: three rows have an answer (three articles); the text-only row has none.
    expect(result.retrieval).toMatchObject({
      n: 3,
      articles: 3,
      recallAt1: expect.any(Number),
      recallAt5: expect.any(Number),
      mrr: expect.any(Number),
    })
    expect(result.retrieval.recallAt5).toBeGreaterThanOrEqual(result.retrieval.recallAt1)
    // Escalation: three rows with a priority, one of them high.
    expect(result.escalation).toMatchObject({ n: 3, expected: 1 })
  })

  it('reports retrieval as null when the test file has no answers', async () => {
    const test = [{ text: 'Der Drucker zieht kein Papier ein.', department: 'technical', language: 'de' }]
    const dir = await writeFiles({
      'train.jsonl': [...rows(technical, 'technical'), ...rows(commercial, 'commercial')],
      'test.jsonl': test,
    })
    const run = await runEval(['--train', join(dir, 'train.jsonl'), '--test', join(dir, 'test.jsonl'), '--json'])
    expect(run.code, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ retrieval: null, escalation: null, n: 1, department: { n: 1 } })
  })
})
