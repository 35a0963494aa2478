import { localNumber } from './format.js'
import type { View } from './layout.js'

// An escalation reason's detail is stable English text in the API (what clients and the audit trail
// store), written by triage/escalation/assess.ts, triage/pipeline.ts, triage/llm-step.ts and
// review/needs-lead.ts. The UI shows it in the reader's language: each known shape is rewritten here,
// and a detail of an unknown shape is shown as it is rather than half translated.

const num = String.raw`(\d+(?:\.\d+)?)`

type Rewrite = (match: RegExpExecArray, view: View) => string

const tierNames: Record<string, string> = { standard: 'Standard', premium: 'Premium', key_account: 'Key Account' }
const matchedByNames: Record<string, string> = {
  'customer id': 'der Kundennummer',
  email: 'der E-Mail-Adresse',
  domain: 'der E-Mail-Domain',
  name: 'dem Namen im Text',
}

const german: Array<[RegExp, Rewrite]> = [
  [
    new RegExp(String.raw`^probability ${num} \(fires from ${num}( with a (\w+) pattern)?\)(?:: (.*))?$`, 's'),
    (m, view) =>
      `Wahrscheinlichkeit ${n(view, m[1]!)} (Schwelle ${n(view, m[2]!)}${m[4] ? `, gesenkt wegen eines Textmusters für „${view.reasonName(m[4])}“` : ''})${m[5] ? `: ${quotes(m[5])}` : ''}`,
  ],
  [
    new RegExp(String.raw`^probability ${num}, just below ${num}; LLM second opinion: (.*)$`, 's'),
    (m, view) => `Wahrscheinlichkeit ${n(view, m[1]!)}, knapp unter ${n(view, m[2]!)}; zweite Meinung des Sprachmodells: ${m[3]}`,
  ],
  [
    new RegExp(String.raw`^department confidence ${num} is below ${num}$`),
    (m, view) => `Konfidenz der Abteilung ${n(view, m[1]!)} liegt unter ${n(view, m[2]!)}`,
  ],
  [/^the knowledge base has no article for this inquiry$/, () => 'Die Wissensdatenbank hat keinen Artikel zu dieser Anfrage'],
  [
    new RegExp(String.raw`^best article "(.*)" is not close enough \(similarity ${num}, needs ${num}\)$`, 's'),
    (m, view) => `Der beste Artikel „${m[1]}“ passt nicht genau genug (Ähnlichkeit ${n(view, m[2]!)}, nötig ${n(view, m[3]!)})`,
  ],
  [
    /^account "(.*)" \((.*)\) is a key account, recognised by (customer id|email|domain|name)$/s,
    (m) => `Konto „${m[1]}“ (${m[2]}) ist ein Key Account, erkannt an ${matchedByNames[m[3]!]}`,
  ],
  [/^customer tier is key_account \(from the request\)$/, () => 'Kundenstufe Key Account (laut Anfrage)'],
  [/^inquiry (\d+) from this customer within (\d+) days$/, (m) => `${m[1]}. Anfrage dieses Kunden innerhalb von ${m[2]} Tagen`],
  [
    new RegExp(String.raw`^waiting ${num} h of a ${num} h first-response target \((.*)\)$`),
    (m, view) => `wartet seit ${n(view, m[1]!)} Std. bei einer Frist von ${n(view, m[2]!)} Std. für die erste Antwort (${whose(m[3]!)})`,
  ],
  [
    /^(.*) \((agent|lead|admin)\) asked for a lead(?:: (.*))?$/s,
    (m, view) => `${m[1]} (${view.t(`role.${m[2] as 'agent' | 'lead' | 'admin'}`)}) hat die Leitung angefordert${m[3] ? `: ${m[3]}` : ''}`,
  ],
]

/** The detail in the page's language; English pages show it as the API has it. */
export function localiseReasonDetail(view: View, detail: string): string {
  if (view.lang === 'en') return detail
  for (const [pattern, rewrite] of german) {
    const match = pattern.exec(detail)
    if (match) return rewrite(match, view)
  }
  return detail
}

const n = (view: View, written: string) => localNumber(view.format, written)

/** `"a", "b"` (the phrases behind a score) with German quotation marks; left alone when it does not split cleanly. */
function quotes(phrases: string): string {
  return /^"[^"]*"(, "[^"]*")*$/.test(phrases) ? phrases.replace(/"([^"]*)"/g, '„$1“') : phrases
}

function whose(text: string): string {
  return tierNames[text] ?? text.replace(/^account /, 'Konto ')
}
