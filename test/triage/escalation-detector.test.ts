import { describe, expect, it } from 'vitest'
import { modelVersion, trainEscalationModel, type EscalationExample } from '../../src/triage/escalation/detector/model.js'
import { deserializeModel, serializeModel } from '../../src/triage/escalation/detector/serialize.js'
import { bucketOf, extractFeatures } from '../../src/triage/escalation/detector/text-features.js'

// The detector's parts on a small written set: fast, and independent of the shipped corpus.
const hazard = [
  'Es riecht stark nach Gas im Keller.',
  'Gasgeruch in der Küche seit heute früh.',
  'It smells of gas near the boiler.',
  'Strong gas smell in the hallway since this morning.',
  'Der Herd riecht nach Gas, wenn er aus ist.',
  'We can smell gas next to the meter.',
  'Im Treppenhaus riecht es nach Gas.',
  'There is a gas smell coming from the oven.',
]
const routine = [
  'Wann wird meine Gasrechnung fällig?',
  'Please send me the invoice for the boiler service.',
  'Wie lese ich den Gaszähler ab?',
  'What does the annual gas check cost?',
  'Ich möchte meinen Gastarif wechseln.',
  'Can I pay the gas bill by card?',
  'Bitte schicken Sie mir eine Rechnungskopie.',
  'When is the next maintenance visit?',
  'What should I do if it ever smells of gas?',
  'Was mache ich, falls es einmal nach Gas riecht?',
  'How do I reset the thermostat?',
  'Meine Heizung ist zu laut.',
]
const examples: EscalationExample[] = [
  ...hazard.map((text) => ({ text, labels: { safety: true } })),
  ...routine.map((text) => ({ text, labels: { safety: false } })),
]

describe('escalation detector', () => {
  const model = trainEscalationModel(examples, ['safety'], { folds: 2 })

  it('scores a calibrated probability per reason and names the phrases behind it', () => {
    const scored = model.score('Seit dem Wartungstermin riecht es im Keller nach Gas.').get('safety')!
    const quiet = model.score('Bitte schicken Sie die Rechnung für die Wartung.').get('safety')!
    expect(scored.probability).toBeGreaterThan(quiet.probability)
    for (const probability of [scored.probability, quiet.probability])
      expect(probability).toBeGreaterThanOrEqual(0), expect(probability).toBeLessThanOrEqual(1)
    expect(scored.phrases().join(' ').toLowerCase()).toContain('gas')
    const reason = model.reasons.get('safety')!
    expect(reason.positives).toBe(hazard.length)
    expect(reason.threshold).toBeGreaterThan(0)
  })

  it('marks words after a negation or a hypothetical cue, so the model can tell "if it ever smells of gas" apart', () => {
    const hypothetical = extractFeatures('What should I do if it ever smells of gas?').ids
    const negated = extractFeatures('Es riecht nicht nach Gas.').ids
    const plain = extractFeatures('It smells of gas.').ids
    expect(hypothetical).toContain(bucketOf('h:gas'))
    expect(negated).toContain(bucketOf('n:gas'))
    expect(plain).not.toContain(bucketOf('h:gas'))
    expect(plain).not.toContain(bucketOf('n:gas'))
    // A sentence end closes the scope.
    expect(extractFeatures('If you call, I answer. Gas smell here.').ids).not.toContain(bucketOf('h:gas'))
  })

  it('sees shouting, which lower-cased words cannot', () => {
    expect(extractFeatures('THIS IS THE THIRD TIME, FIX IT').ids).toContain(bucketOf('s:capitals3'))
    expect(extractFeatures('Why?!? Again!!! Really!!').ids).toContain(bucketOf('s:marks3'))
    expect(extractFeatures('Our USB and GDPR questions').ids).not.toContain(bucketOf('s:capitals1'))
  })

  it('trains the same model from the same examples in any order, and names it by them', () => {
    const shuffled = [...examples].reverse()
    const again = trainEscalationModel(shuffled, ['safety'], { folds: 2 })
    expect(again.version).toBe(model.version)
    expect(modelVersion(shuffled, ['safety'], { folds: 2 })).toBe(model.version)
    expect(modelVersion([...examples, { text: 'Neu', labels: { safety: false } }], ['safety'], { folds: 2 })).not.toBe(model.version)
    const text = 'Gas smell in the cellar'
    expect(again.score(text).get('safety')!.probability).toBeCloseTo(model.score(text).get('safety')!.probability, 6)
  })

  it('stores a model as bytes and reads the same model back; other bytes are not a model', () => {
    const read = deserializeModel(serializeModel(model))!
    expect(read.version).toBe(model.version)
    for (const text of [...hazard, ...routine])
      expect(read.score(text).get('safety')!.probability).toBeCloseTo(model.score(text).get('safety')!.probability, 5)
    expect(deserializeModel(new Uint8Array([1, 2, 3]))).toBeUndefined()
    expect(deserializeModel(serializeModel(model).slice(0, -4))).toBeUndefined()
  })

  it('does not learn a reason from fewer than five positive examples', () => {
    const few = trainEscalationModel(
      [...examples, ...['a recall', 'b recall'].map((text) => ({ text, labels: { recall: true } }))],
      ['safety', 'recall'],
      { folds: 2 },
    )
    expect(few.reasons.has('recall')).toBe(false)
    expect(few.score('a recall').has('recall')).toBe(false)
  })

  it('retrains only the reasons whose examples changed, and the result equals a training from scratch', () => {
    const complaints = [
      'Das ist eine Frechheit!',
      'Unacceptable service, again.',
      'Ich beschwere mich hiermit.',
      'Worst support ever.',
      'So geht das nicht weiter!',
      'I want to complain.',
    ]
    const calm = [
      'Danke für die schnelle Hilfe.',
      'Thanks, that worked.',
      'Alles bestens.',
      'Great, thank you.',
      'Passt so.',
      'Noted, thanks.',
    ]
    const both: EscalationExample[] = [
      ...examples,
      ...complaints.map((text) => ({ text, labels: { complaint: true } })),
      ...calm.map((text) => ({ text, labels: { complaint: false } })),
    ]
    const first = trainEscalationModel(both, ['safety', 'complaint'], { folds: 2 })
    // A verdict on the complaint reason only: safety is taken over as it was, complaint is trained again.
    const verdict = { text: 'Es riecht nach Gas, das ist eine Frechheit!', labels: { complaint: false }, weight: 5 }
    const next = trainEscalationModel([...both, verdict], ['safety', 'complaint'], { folds: 2 }, first)
    expect(next.reasons.get('safety')).toBe(first.reasons.get('safety'))
    expect(next.reasons.get('complaint')).not.toBe(first.reasons.get('complaint'))
    expect(next.reasons.get('complaint')!.key).not.toBe(first.reasons.get('complaint')!.key)
    const scratch = trainEscalationModel([...both, verdict], ['safety', 'complaint'], { folds: 2 })
    expect(serializeModel(next)).toEqual(serializeModel(scratch))
    // The reuse also works from a stored model, which keeps each reason's key.
    const stored = deserializeModel(serializeModel(first))!
    expect(trainEscalationModel([...both, verdict], ['safety', 'complaint'], { folds: 2 }, stored).reasons.get('safety')).toBe(
      stored.reasons.get('safety'),
    )
  })
})
