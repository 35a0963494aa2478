import { finders, type Finder, type PersonalDataKind, type Span } from './personal-data.js'

export type { PersonalDataKind } from './personal-data.js'

/** What redaction replaced, by placeholder only: `found` is safe to log, the originals stay inside `restore`. */
export interface Redaction {
  text: string
  /** Puts the originals back wherever their placeholders appear, e.g. in a drafted reply. */
  restore(text: string): string
  found: Array<{ kind: PersonalDataKind; placeholder: string }>
}

export interface RedactOptions {
  /** Names to replace too (the customer's, from the helpdesk); names[0] always becomes [NAME_1]. */
  names?: string[]
}

const labels: Record<PersonalDataKind, string> = {
  email: 'EMAIL',
  phone: 'PHONE',
  iban: 'IBAN',
  card: 'CARD',
  customer_no: 'CUSTOMER_NO',
  order_no: 'ORDER_NO',
  name: 'NAME',
}
const placeholderPattern = /\[(?:EMAIL|PHONE|IBAN|CARD|CUSTOMER_NO|ORDER_NO|NAME)_\d+\]/g
// Forms of address are not the name, and replacing "Herr" everywhere would only blur the text.
const titles = new Set(['herr', 'frau', 'dr', 'dr.', 'prof', 'prof.', 'mr', 'mr.', 'mrs', 'mrs.', 'ms', 'ms.', 'von', 'van', 'de'])

/**
 * Replaces personal data with placeholders like [EMAIL_1] before text leaves the process. The same
 * value (compared without spaces and case) gets the same placeholder every time, so the model can
 * still tell that two mentions are one thing. Postal addresses are not detected.
 */
export function redactPersonalData(text: string, options: RedactOptions = {}): Redaction {
  const table = createTable()
  const names = (options.names ?? []).map((name) => name.trim()).filter((name) => name.length > 1)
  names.forEach((name) => table.placeholderFor('name', name))
  // Text that already looks like our placeholders would otherwise be "restored" into someone's data.
  let redacted = text.replace(placeholderPattern, (token) => `(${token.slice(1, -1)})`)
  // Names last: a name inside an e-mail address must not break the address apart.
  for (const finder of [...finders, ...nameFinders(names)]) redacted = replaceSpans(redacted, finder, table)
  return { text: redacted, restore: table.restore, found: table.found }
}

function createTable() {
  const byValue = new Map<string, string>()
  const originals = new Map<string, string>()
  const counts = new Map<PersonalDataKind, number>()
  const found: Redaction['found'] = []

  const placeholderFor = (kind: PersonalDataKind, value: string) => {
    const key = sameValueKey(kind, value)
    const known = byValue.get(key)
    if (known) return known
    const count = (counts.get(kind) ?? 0) + 1
    counts.set(kind, count)
    const placeholder = `[${labels[kind]}_${count}]`
    byValue.set(key, placeholder)
    originals.set(placeholder, value)
    found.push({ kind, placeholder })
    return placeholder
  }
  const restore = (reply: string) => reply.replace(placeholderPattern, (token) => originals.get(token) ?? token)
  return { placeholderFor, restore, found }
}

// "0171 1234567" and "0171-1234567" are one number; "Max@Example.com" and "max@example.com" one address.
function sameValueKey(kind: PersonalDataKind, value: string): string {
  if (kind === 'name' || kind === 'customer_no' || kind === 'order_no') return value
  if (kind === 'email') return `email:${value.toLowerCase()}`
  return `${kind === 'phone' ? 'phone' : 'number'}:${value.replace(/[^\p{L}\p{N}+]/gu, '').toUpperCase()}`
}

function replaceSpans(text: string, finder: Finder, table: ReturnType<typeof createTable>): string {
  const spans = finder.find(text).sort((a, b) => a.start - b.start)
  let result = ''
  let cursor = 0
  for (const span of spans) {
    if (span.start < cursor) continue // overlapping matches of one finder: the first wins
    result += text.slice(cursor, span.start) + table.placeholderFor(finder.kind, text.slice(span.start, span.end))
    cursor = span.end
  }
  return result + text.slice(cursor)
}

/** The full names first, then their parts alone ("Mustermann" in a signature), case-sensitive, as whole words. */
function nameFinders(names: string[]): Finder[] {
  const parts = names.flatMap((name) => name.split(/\s+/)).filter((part) => part.length > 1 && !titles.has(part.toLowerCase()))
  return [...new Set([...names, ...parts])].map((name) => {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'gu')
    return {
      kind: 'name' as const,
      find: (text: string): Span[] => [...text.matchAll(pattern)].map((m) => ({ start: m.index, end: m.index + m[0].length })),
    }
  })
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
