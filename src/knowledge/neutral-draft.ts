/**
 * A lead's reply to one customer, made into a neutral knowledge-base draft: the salutation, the closing
 * with its signature, a quoted earlier message, the customer's name, titled names, personal data and
 * concrete dates go; the instructions stay. What was taken out is counted so the reviewing lead knows
 * where to look. Removed data inside a sentence becomes a readable placeholder ("[Datum]", "[order
 * number]") rather than vanishing, so the sentence does not silently change its meaning.
 *
 * It errs towards keeping article content: times without a day ("8 bis 18 Uhr"), weekday ranges
 * ("Montag bis Freitag"), bare years ("seit 2024"), versions ("2.4.1") and units ("230 V") are not
 * dates, and an ambiguous closing word ("Best", "Thanks", "LG") counts only on a line of its own.
 */
import { z } from 'zod'
import { academicTitles, addresseeOf, honorifics, normaliseCase, particles } from '../../prompts/salutation.js'
import { finders, type Span } from '../triage/llm/personal-data.js'

/** The tag of a draft made from a reply until a lead publishes it. */
export const needsReviewTag = 'needs-review'

export const removedKinds = [
  'salutation',
  'courtesy',
  'closing',
  'quote',
  'name',
  'date',
  'email',
  'phone',
  'iban',
  'card',
  'customer_no',
  'order_no',
] as const
export type RemovedKind = (typeof removedKinds)[number]

/** Stored with a draft made from a reply (kb_articles.review_removed) and shown to the lead who reviews it. */
export const ArticleReviewSchema = z.object({
  removed: z
    .partialRecord(z.enum(removedKinds), z.number().int().positive())
    .meta({ description: "How many of each kind were taken out of the lead's reply; kinds not found are absent" }),
})
export type ArticleReview = z.infer<typeof ArticleReviewSchema>
export type RemovedCounts = ArticleReview['removed']

export interface NeutraliseOptions {
  /** The article's language; placeholders are German for 'de', English otherwise. */
  language: string
  /** The customer's name(s) as stored, e.g. "Frau Dr. Anna Kraus"; removed anywhere in the text. */
  names?: ReadonlyArray<string | null | undefined>
}

export interface NeutralText {
  body: string
  removed: RemovedCounts
}

type PlaceholderKind = Exclude<RemovedKind, 'salutation' | 'courtesy' | 'closing' | 'quote'>
const placeholders: Record<'de' | 'en', Record<PlaceholderKind, string>> = {
  de: {
    name: '[Name]',
    date: '[Datum]',
    email: '[E-Mail-Adresse]',
    phone: '[Telefonnummer]',
    iban: '[IBAN]',
    card: '[Kartennummer]',
    customer_no: '[Kundennummer]',
    order_no: '[Bestellnummer]',
  },
  en: {
    name: '[name]',
    date: '[date]',
    email: '[email address]',
    phone: '[phone number]',
    iban: '[IBAN]',
    card: '[card number]',
    customer_no: '[customer number]',
    order_no: '[order number]',
  },
}
const placeholdersFor = (language: string) => (language.toLowerCase().startsWith('de') ? placeholders.de : placeholders.en)

function count(removed: RemovedCounts, kind: RemovedKind, by = 1): void {
  if (by > 0) removed[kind] = (removed[kind] ?? 0) + by
}

/** The reply without salutation, closing, signature and quoted mail, and with personal data, names and dates replaced. */
export function neutraliseReply(reply: string, options: NeutraliseOptions): NeutralText {
  const removed: RemovedCounts = {}
  let lines = reply.replace(/\r\n?/g, '\n').split('\n')
  lines = dropQuotedMessage(lines, removed)
  lines = dropClosing(lines, removed)
  let text = dropSalutation(lines.join('\n'), removed)
  text = dropCourtesy(text, removed)
  const inline = neutraliseText(text, options)
  for (const [kind, by] of Object.entries(inline.removed)) count(removed, kind as RemovedKind, by)
  return { body: tidy(inline.body), removed }
}

/** Personal data, names and dates replaced in any text (an article title, say); nothing else is dropped. */
export function neutraliseText(text: string, options: NeutraliseOptions): NeutralText {
  const removed: RemovedCounts = {}
  const words = placeholdersFor(options.language)
  let result = replacePersonalData(text, words, removed)
  result = replaceNames(result, options.names ?? [], words.name, removed)
  result = replaceDates(result, words.date, removed)
  return { body: result, removed }
}

// ---------------------------------------------------------------------------------------------------
// Salutation, courtesy line, closing, quoted message

const greeting = [
  String.raw`sehr\s+geehrte(?:r|s|\(r\))?`,
  String.raw`liebe(?:r|s|\(r\))?`,
  String.raw`hallo|hi|hey|moin(?:\s+moin)?|servus|grüß\s+gott|grüezi`,
  String.raw`guten\s+(?:tag|morgen|abend)`,
  String.raw`dear|hello|greetings|to\s+whom\s+it\s+may\s+concern`,
  String.raw`good\s+(?:morning|afternoon|evening|day)`,
].join('|')
const salutationStart = new RegExp(String.raw`^(?:${greeting})(?![\p{L}\p{N}-])`, 'iu')

/** Drops salutations at the start; text after one on the same line ("Hallo Tom, danke …") stays, capitalised. */
function dropSalutation(text: string, removed: RemovedCounts): string {
  let rest = text.replace(/^\s+/, '')
  while (salutationStart.test(rest)) {
    const newline = rest.indexOf('\n')
    const line = rest.slice(0, newline === -1 ? rest.length : newline)
    const stop = line.search(/[,!:]/)
    let end: number
    if (stop !== -1 && stop <= 80) end = stop + 1
    else if (line.length <= 80 && !/[.?]\s*$/.test(line))
      end = line.length // "Sehr geehrte Damen und Herren"
    else break
    rest = capitalise(rest.slice(end).replace(/^\s+/, ''))
    count(removed, 'salutation')
  }
  return rest
}

// Only a whole sentence of thanks for the message itself; "Danke für Ihre Geduld, der Fehler liegt …" goes on with content.
const courtesy = new RegExp(
  [
    String.raw`^(?:(?:vielen|herzlichen|besten|recht\s+herzlichen)\s+dank|danke(?:\s+schön)?)\s+für\s+(?:ihre|deine|eure|die)\s+(?:nachricht|anfrage|e-?mail|mail|geduld|rückmeldung|schreiben|hinweis|anruf|mitteilung|frage)[^.!?\n,]{0,60}[.!]`,
    String.raw`^(?:many\s+)?thank(?:s|\s+you)(?:\s+(?:so|very)\s+much)?\s+for\s+(?:your|getting\s+in\s+touch|reaching\s+out|contacting)[^.!?\n,]{0,60}[.!]`,
    String.raw`^i\s+hope\s+(?:this|you)[^.!?\n,]{0,60}[.!]`,
  ].join('|'),
  'iu',
)

function dropCourtesy(text: string, removed: RemovedCounts): string {
  const match = courtesy.exec(text)
  if (!match) return text
  count(removed, 'courtesy')
  return capitalise(text.slice(match[0].length).replace(/^\s+/, ''))
}

const adjectives = String.raw`(?:freundliche[nm]?|beste[nm]?|herzliche[nm]?|viele[nm]?|liebe[nm]?|schöne[nm]?|sonnige[nm]?)`
// Formulas that end a letter wherever they stand at the start of a line.
const closingFormula = [
  String.raw`(?:(?:vielen\s+dank|danke)\s+und\s+)?(?:mit\s+)?(?:${adjectives}\s+)?grü(?:ß|ss)en?`,
  String.raw`(?:mit\s+)?(?:${adjectives}\s+)?gru(?:ß|ss)`,
  String.raw`hochachtungsvoll`,
  String.raw`(?:(?:many\s+)?thanks\s*(?:and|&)\s+)?(?:(?:kind|kindest|best|warm|warmest|many|with\s+kind|with\s+best)\s+)?regards`,
  String.raw`(?:yours\s+)?(?:sincerely|faithfully)|yours\s+truly|(?:best|warm|kind)\s+wishes|all\s+the\s+best`,
].join('|')
// Words that also start ordinary sentences or name a brand ("Best practice …", "LG OLED65 …"): only alone, or with a name.
const ambiguousClosing = String.raw`best|cheers|thanks(?:\s+again)?|thank\s+you(?:\s+again)?|many\s+thanks|take\s+care|talk\s+soon|lg|vg|mfg|danke(?:\s+schön)?|vielen\s+dank|bis\s+bald|tschüss?|ciao`
const formulaStart = new RegExp(String.raw`^\s*(?:${closingFormula})(?![\p{L}])`, 'iu')
const ambiguousStart = new RegExp(String.raw`^\s*(?:${ambiguousClosing})(?![\p{L}])`, 'iu')
// Case-sensitive on purpose: with the i flag \p{Lu} matches any letter, and "Best practice is …" would pass as "Best, Name".
const nameTail = /^\s*[,.!]*(?:\s*,?\s*\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,2})?\s*[,.!]?\s*$/u

function isClosingLine(line: string): boolean {
  const formula = formulaStart.exec(line)
  if (formula) return line.length - formula[0].length <= 80
  const ambiguous = ambiguousStart.exec(line)
  return ambiguous !== null && nameTail.test(line.slice(ambiguous[0].length))
}

/** A line of a signature: short, and not a sentence ("Jana Weber", "Tel. 040 123456", "Nordwerk GmbH"). */
const isSignatureLine = (line: string) => line.length <= 80 && (line.length <= 25 || !/[.?!:]\s*$/.test(line))

const inlineClosing = new RegExp(String.raw`(?<=[.!?])\s+(?:${closingFormula})(?![\p{L}])[^\n]{0,80}$`, 'iu')
const teamLine = /^\s*(?:ihr|ihre|euer|eure|your|the)\s+[^\n]{0,50}(?:team|service|support|kundenservice|kundendienst)\b[^\n]{0,30}$/iu
const signatureSeparator = /^\s*--\s*$/
// More lines than this after a closing formula, or any sentence, are not a signature: the "formula" was content.
const maxSignatureLines = 12

/** Drops the closing formula and everything after it (name, role, company, phone), or a trailing team line. */
function dropClosing(lines: string[], removed: RemovedCounts): string[] {
  const at = lines.findIndex((line, index) => (isClosingLine(line) || signatureSeparator.test(line)) && isSignature(lines.slice(index + 1)))
  let kept = at === -1 ? lines : lines.slice(0, at)
  if (at !== -1) count(removed, 'closing')
  const last = lastContentIndex(kept)
  if (last === -1) return kept
  const inline = inlineClosing.exec(kept[last]!)
  if (at === -1 && inline) {
    kept = [...kept.slice(0, last), kept[last]!.slice(0, inline.index)]
    count(removed, 'closing')
  } else if (teamLine.test(kept[last]!)) {
    kept = kept.slice(0, last)
    if (at === -1) count(removed, 'closing')
  }
  return kept
}

function isSignature(lines: string[]): boolean {
  let count = 0
  for (const line of lines) {
    const content = line.trim()
    if (content && (++count > maxSignatureLines || !isSignatureLine(content))) return false
  }
  return true
}

const quoteHeader = [
  /^\s*(?:am|on)\s.{4,160}\s(?:schrieb|wrote)[^\n]{0,80}:\s*$/iu,
  /^\s*-{2,}\s*(?:original\s*(?:nachricht|message)|ursprüngliche\s+nachricht|forwarded\s+message|weitergeleitete\s+nachricht)/iu,
]
const mailHeader = /^\s*(?:von|from):\s.+$/iu
const mailHeaderField = /^\s*(?:gesendet|sent|datum|date|an|to|betreff|subject):\s/iu

/** Drops a quoted earlier message: from its header ("Am … schrieb …:") or from where only "> " lines follow. */
function dropQuotedMessage(lines: string[], removed: RemovedCounts): string[] {
  const at = lines.findIndex(
    (line, index) =>
      quoteHeader.some((header) => header.test(line)) ||
      (mailHeader.test(line) && lines.slice(index + 1, index + 5).some((next) => mailHeaderField.test(next))) ||
      (line.trimStart().startsWith('>') && lines.slice(index).every((rest) => !rest.trim() || rest.trimStart().startsWith('>'))),
  )
  if (at === -1 || at === firstContentIndex(lines)) return lines
  count(removed, 'quote')
  return lines.slice(0, at)
}

// ---------------------------------------------------------------------------------------------------
// Personal data, names, dates

function replacePersonalData(text: string, words: Record<PlaceholderKind, string>, removed: RemovedCounts): string {
  let result = text
  // In the finders' order, each on the text the previous left (see personal-data.ts).
  for (const finder of finders) {
    if (finder.kind === 'name') continue
    const kind = finder.kind
    const replaced = replaceSpans(result, finder.find(result), words[kind])
    count(removed, kind, replaced.count)
    result = replaced.text
  }
  return result
}

const titleKeys = new Set([...Object.keys(honorifics), ...Object.keys(academicTitles), 'med', 'rer', 'nat', 'phil', 'jur', 'dent', 'vet'])
const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1)
const honorificWord = String.raw`(?:${Object.keys(honorifics).map(capitalised).join('|')})\.?`
const academicWord = String.raw`(?:(?:Dr|Prof)\.?(?:\s*(?:med|rer|nat|phil|jur|dent|vet|h\.\s?c)\.)*|Professor)`
const particleWord = String.raw`(?:${[...particles].join('|')})`
// A capitalised word after a title is a name, except the formal pronouns and the noun a name is most often followed by.
const notName = String.raw`(?!(?:Sie|Ihnen|Ihr|Ihre|Ihrem|Ihren|Ihrer|Ihres|Du|Dir|Dich|Euch|Bescheid)(?![\p{L}]))`

/**
 * A name becomes a placeholder ("[Name]"), not "der Kunde": it may be the customer's or a colleague's,
 * and German case and gender make any replacement word wrong as often as right; the editor sees where.
 */
function replaceNames(text: string, names: NeutraliseOptions['names'] & {}, placeholder: string, removed: RemovedCounts): string {
  const before = occurrences(text, placeholder)
  let result = text
  for (const name of nameVariants(names)) {
    const pattern = new RegExp(String.raw`(?<![\p{L}\p{N}])${escapeRegExp(name)}(?![\p{L}\p{N}])`, 'gu')
    result = result.replace(pattern, placeholder)
  }
  const nameWord = String.raw`(?:${escapeRegExp(placeholder)}|[\p{Lu}][\p{L}'’-]+|\p{Lu}\.)`
  const titled = new RegExp(
    String.raw`(?<![\p{L}\p{N}])(?<![–—-]\s?)(?:${honorificWord}\s+(?:${academicWord}\s*)*|${academicWord}\s*)${notName}(?:${particleWord}\s+)*${nameWord}(?:\s+${notName}(?:${particleWord}\s+)*${nameWord})?(?![\p{L}])`,
    'gu',
  )
  result = result.replace(titled, placeholder)
  const repeated = new RegExp(String.raw`${escapeRegExp(placeholder)}(?:\s+${escapeRegExp(placeholder)})+`, 'g')
  result = result.replace(repeated, placeholder)
  count(removed, 'name', occurrences(result, placeholder) - before)
  return result
}

/**
 * The full names first, then their parts (surname, first names) alone, each also case-normalised ("KRAUS"
 * → "Kraus"). An organisation ("Hotel Seeblick GmbH") is replaced only as a whole: "Hotel" alone is content.
 */
function nameVariants(names: NeutraliseOptions['names'] & {}): string[] {
  const full = names.map((name) => name?.replace(/\s+/g, ' ').trim() ?? '').filter((name) => name.length > 1)
  const parts = full.flatMap((name) => {
    if (!addresseeOf(name)) return []
    return name
      .replace(/\([^)]*\)/g, ' ') // "Anna Kraus (Einkauf)": the department is no name
      .replace(/,/g, ' ')
      .split(/\s+/)
      .filter((part) => {
        const bare = part.toLowerCase().replace(/\.$/, '')
        return /\p{L}{2,}/u.test(part) && !titleKeys.has(bare) && !particles.has(bare)
      })
  })
  const variants = [...full, ...parts].flatMap((name) => [name, name.split(' ').map(normaliseCase).join(' ')])
  return [...new Set(variants)].sort((a, b) => b.length - a.length)
}

const day = String.raw`(?:0?[1-9]|[12]\d|3[01])`
const month = String.raw`(?:0?[1-9]|1[0-2])`
const year = String.raw`(?:19|20)\d{2}`
const monthName = String.raw`(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|January|February|March|May|June|July|October|December|(?:Jan|Feb|Mär|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Okt|Oct|Nov|Dez|Dec)\.?)`
const dayPrefix = String.raw`(?:(?:[Aa]m|[Oo]n(?:\s+the)?)\s+)?`
const clock = String.raw`\d{1,2}(?:[:.]\d{2})?`
const timeUnit = String.raw`\s*(?:Uhr|h|am|pm|a\.m\.|p\.m\.|o'clock)(?![\p{L}])`
const timeOfDay = String.raw`(?:(?:um|ab|gegen|zwischen|von|at|between|from|around|by|after|before)\s+)?(?:${clock}(?:\s*(?:–|-|bis|und|to|and)\s*${clock})?${timeUnit}|\d{1,2}:\d{2}(?:\s*(?:–|-|bis|to)\s*\d{1,2}:\d{2})?)`
const withTime = String.raw`(?:\s*,?\s*${timeOfDay})?`
const weekdayName = String.raw`(?:(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonnabend|Sonntag)(?:vormittag|nachmittag|abend|morgen|mittag)?|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s+(?:morning|afternoon|evening))?)`
const weekdayPrefix = String.raw`(?:(?:am|on|this|next|coming|this\s+coming|kommenden|nächsten|diesen|am\s+kommenden|am\s+nächsten)\s+)?`

// Each pattern is one way to write a concrete day; a time right after it ("Montag 8–12 Uhr") belongs to it.
const datePatterns: RegExp[] = [
  new RegExp(String.raw`${dayPrefix}(?<![\p{L}\p{N}.])${day}\.\s?${month}\.\s?${year}(?![\p{N}])${withTime}`, 'gu'),
  // "06.02." without a year only after a word that introduces a date: "Schritt 2.3." and "Version 1.2." are not dates.
  // The look-behinds are bounded: an unbounded \s* would be walked back over at every position of a long run of spaces.
  new RegExp(
    String.raw`(?:(?<=(?:^|[^\p{L}])(?:vom|zum|bis|ab|seit|den|dem|until|by)\s{1,3})|(?<=,\s{0,3})|(?:[Aa]m|[Oo]n)\s+)${day}\.${month}\.(?![\p{N}])${withTime}`,
    'gu',
  ),
  new RegExp(String.raw`${dayPrefix}(?<![\p{N}-])${year}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?![\p{N}])${withTime}`, 'gu'),
  new RegExp(String.raw`${dayPrefix}(?<![\p{N}/])\d{1,2}/\d{1,2}/(?:${year}|\d{2})(?![\p{N}/])${withTime}`, 'gu'),
  new RegExp(
    String.raw`${dayPrefix}(?<![\p{N}.])${day}(?:\.|st|nd|rd|th)?\s*(?:of\s+)?${monthName}(?![\p{L}])(?:,?\s+${year}(?![\p{N}]))?${withTime}`,
    'gu',
  ),
  new RegExp(
    String.raw`${dayPrefix}(?<![\p{L}])${monthName}\s+${day}(?:st|nd|rd|th)?(?![\p{N}:]|\.\d)(?:,?\s+${year}(?![\p{N}]))?${withTime}`,
    'gu',
  ),
  new RegExp(String.raw`(?<![\p{L}])${weekdayPrefix}${weekdayName}(?![\p{L}])${withTime}`, 'giu'),
  new RegExp(
    String.raw`(?<![\p{L}])(?:übermorgen|morgen|gestern|vorgestern)(?:\s+(?:früh|vormittag|nachmittag|abend|Vormittag|Nachmittag|Abend))?(?![\p{L}])${withTime}`,
    'gu',
  ),
  new RegExp(String.raw`(?<![\p{L}])(?:tomorrow|yesterday)(?:\s+(?:morning|afternoon|evening))?(?![\p{L}])${withTime}`, 'giu'),
  new RegExp(String.raw`(?<![\p{L}])(?:heute|today|tonight)\s*,?\s*${timeOfDay}`, 'giu'),
]
// "Montag bis Freitag", "jeden Montag": a schedule, which is article content, not an appointment.
const rangeAfter = new RegExp(String.raw`^\s*(?:bis|–|-|—|to|through|thru)\s*${weekdayName}`, 'iu')
const rangeBefore = new RegExp(String.raw`(?:${weekdayName}\s*(?:bis|–|-|—|to|through|thru)|jeden|jedem|every|each|außer|except)\s*$`, 'iu')

function replaceDates(text: string, placeholder: string, removed: RemovedCounts): string {
  const spans = datePatterns
    .flatMap((pattern) => [...text.matchAll(pattern)].map((match) => ({ start: match.index, end: match.index + match[0].length })))
    .filter((span) => !(rangeAfter.test(text.slice(span.end)) || rangeBefore.test(text.slice(Math.max(0, span.start - 40), span.start))))
  const merged = mergeSpans(text, spans, /^[\s,]*(?:den|dem|the)?\s*$/u)
  const replaced = replaceSpans(text, merged, placeholder)
  count(removed, 'date', replaced.count)
  return replaced.text
}

/** Overlapping spans become one, and so do neighbours with only `gap` between them ("Montag, den 7. Dezember"). */
function mergeSpans(text: string, spans: Span[], gap: RegExp): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end)
  const merged: Span[] = []
  for (const span of sorted) {
    const last = merged[merged.length - 1]
    if (last && (span.start <= last.end || gap.test(text.slice(last.end, span.start)))) last.end = Math.max(last.end, span.end)
    else merged.push({ ...span })
  }
  return merged
}

function replaceSpans(text: string, spans: Span[], replacement: string): { text: string; count: number } {
  let result = ''
  let cursor = 0
  let replaced = 0
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start < cursor) continue // overlapping: the first wins
    result += text.slice(cursor, span.start) + replacement
    cursor = span.end
    replaced++
  }
  return { text: result + text.slice(cursor), count: replaced }
}

// ---------------------------------------------------------------------------------------------------

function firstContentIndex(lines: string[]): number {
  return lines.findIndex((line) => line.trim())
}

function lastContentIndex(lines: string[]): number {
  return lines.findLastIndex((line) => line.trim())
}

const capitalise = (text: string) => text.replace(/^\p{Ll}/u, (first) => first.toUpperCase())
const occurrences = (text: string, word: string) => text.split(word).length - 1

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Trailing spaces and the blank lines left where blocks were removed. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd()) // not /[ \t]+$/gm: that backtracks quadratically over a long run of spaces
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
