/**
 * Finders for the personal data redact.ts replaces. Each returns spans of the text it was given;
 * redact.ts runs them in order on the text left by the previous ones, so a finder never sees what an
 * earlier one already replaced. They err towards redacting: an order number mistaken for a phone
 * number is still kept from the model, while a missed IBAN leaves the process.
 */

export type PersonalDataKind = 'email' | 'phone' | 'iban' | 'card' | 'customer_no' | 'order_no' | 'name'

export interface Span {
  start: number
  end: number
}

export interface Finder {
  kind: PersonalDataKind
  find(text: string): Span[]
}

// Starts only where a run of address characters starts: finds the same addresses, but a long word without
// an @ is scanned once instead of once from each of its characters (50 000 characters took seconds).
const email = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu

// Country code and IBAN length; the list covers Europe and the usual others.
const ibanLengths = new Map(
  (
    'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 ES24 FI18 FO18 FR27 ' +
    'GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IS26 IT27 JO30 KW30 KZ20 LB28 LI21 LT20 LU20 LV21 MC27 MD24 ' +
    'ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SE24 SI19 SK24 SM27 TN24 TR26 UA29'
  )
    .split(' ')
    .map((entry) => [entry.slice(0, 2), Number(entry.slice(2))] as const),
)
const ibanCandidate = /(?<![\p{L}\p{N}])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/giu

// A leading 1-9 and no digit or + just before: phone numbers (0…, +…) and the digits of an IBAN are not cards.
const cardCandidate = /(?<![\p{L}\p{N}+])(?<![\p{N}+][ -])[1-9](?:[ -]?\d){12,}/gu

// National numbers start with 0 (or "(0"), international ones with + or 00; spaces, - and / separate groups.
const phoneCandidate = /(?<![\p{L}\p{N}+])(?:(?:\+|00)[1-9]|\(0\d|0[1-9])[\d \t()/-]*\d/gu
const dateShape = /^\d{1,2}[/-]\d{1,2}[/-]\d{2,4}$/

const filler = String.raw`(?:\s*(?:[:#=]|\b(?:ist|lautet|is|was)\b))*\s*`
const value = String.raw`(?<value>[\p{L}\p{N}][\p{L}\p{N}/-]*)`
const customerLabel = String.raw`kunden[- ]?(?:nummer|nr\.?)|kd\.?[- ]?nr\.?|customer[- ](?:number|no\.?|id|#)`
const orderLabel = String.raw`(?:bestell|auftrags?)[- ]?(?:nummer|nr\.?)|order[- ](?:number|no\.?|id|#)|order ?#`
const labelled = (label: string) => new RegExp(String.raw`(?<![\p{L}])(?:${label})${filler}${value}`, 'giud')
const customerPattern = /(?<![\p{L}\p{N}])(?:[Kk][Dd]-\d+|K\d{6,})(?![\p{L}\p{N}])/gu
// "my order 4711-0815 arrived broken": a dashed number in the same sentence after an order word.
const orderMention =
  /(?<![\p{L}])(?:bestell\p{L}*|auftrag\p{L}*|order(?:ed|s)?)(?![\p{L}])[^\n.!?]{0,60}?(?<![\p{N}-])(?<value>\d{3,}-\d{3,}(?:-\d+)*)(?![\p{N}-])/dgiu

export const finders: Finder[] = [
  { kind: 'email', find: (text) => matches(text, email) },
  { kind: 'iban', find: (text) => cutMatches(text, ibanCandidate, ibanSpan) },
  { kind: 'customer_no', find: (text) => labelledValues(text, labelled(customerLabel)) },
  { kind: 'order_no', find: (text) => labelledValues(text, labelled(orderLabel)) },
  { kind: 'customer_no', find: (text) => matches(text, customerPattern) },
  { kind: 'card', find: (text) => cutMatches(text, cardCandidate, cardSpan) },
  { kind: 'phone', find: (text) => cutMatches(text, phoneCandidate, phoneSpan) },
  { kind: 'order_no', find: (text) => labelledValues(text, orderMention) },
]

function matches(text: string, pattern: RegExp): Span[] {
  return [...text.matchAll(pattern)].map((match) => ({ start: match.index, end: match.index + match[0].length }))
}

/**
 * Candidates are generous (an IBAN's pattern runs on into "or AT61…"), so each is cut to what it really
 * is, and the search resumes right after the cut rather than after the candidate.
 */
function cutMatches(text: string, candidates: RegExp, cut: (text: string, span: Span) => Span[]): Span[] {
  const pattern = new RegExp(candidates) // a copy: lastIndex is moved by hand below
  const spans: Span[] = []
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const [span] = cut(text, { start: match.index, end: match.index + match[0].length })
    if (span) spans.push(span)
    pattern.lastIndex = span ? span.end : match.index + 1
  }
  return spans
}

// Only the value is replaced, so the model still reads "Kundennummer [CUSTOMER_NO_1]" and knows what it was.
function labelledValues(text: string, pattern: RegExp): Span[] {
  return [...text.matchAll(pattern)].flatMap((match) => {
    const [start, end] = match.indices!.groups!.value!
    const found = text.slice(start, end).replace(/[/-]+$/, '')
    return /\d/.test(found) && found.length >= 3 ? [{ start, end: start + found.length }] : []
  })
}

/** Cuts a candidate to its country's IBAN length; keeps it if the checksum holds, or if it is exactly that long. */
function ibanSpan(text: string, span: Span): Span[] {
  const positions = charPositions(text, span, /[A-Za-z0-9]/)
  const length = ibanLengths.get(text.slice(span.start, span.start + 2).toUpperCase())
  if (!length || positions.length < length) return []
  const end = positions[length - 1]! + 1
  const compact = positions
    .slice(0, length)
    .map((index) => text[index])
    .join('')
    .toUpperCase()
  // A typo'd IBAN is still someone's bank account; without the checksum, insist on a clean end instead.
  const cleanEnd = !/[\p{L}\p{N}]/u.test(text[end] ?? '')
  return ibanChecksumValid(compact) || cleanEnd ? [{ start: span.start, end }] : []
}

/** The longest Luhn-valid run of 13–19 digits from the candidate's start that ends at a group boundary. */
function cardSpan(text: string, span: Span): Span[] {
  const positions = charPositions(text, span, /\d/)
  for (let count = Math.min(19, positions.length); count >= 13; count--) {
    const end = positions[count - 1]! + 1
    if (/\d/.test(text[end] ?? '')) continue
    if (
      luhnValid(
        positions
          .slice(0, count)
          .map((index) => text[index])
          .join(''),
      )
    )
      return [{ start: span.start, end }]
  }
  return []
}

/**
 * Walks the digit groups of a candidate and stops where a second number or unrelated figures begin:
 * after 7 digits, a group starting with 0 ("040 123456 / 0171 1234567") or a lone digit ("… 1234567 2
 * Geräte"), or when E.164's 15 digits would be exceeded. Dates written with / or - are not phones.
 */
function phoneSpan(text: string, span: Span): Span[] {
  const candidate = text.slice(span.start, span.end)
  const limit = candidate.startsWith('00') ? 17 : 15 // 0049… carries two more digits than +49…
  let digits = 0
  let end = 0
  for (const run of candidate.matchAll(/\d+/g)) {
    const group = run[0]
    if (digits >= 7 && (group.startsWith('0') || group.length === 1)) break
    if (digits + group.length > limit) break
    digits += group.length
    end = run.index + group.length
  }
  const phone = candidate.slice(0, end)
  if (digits < 7 || dateShape.test(phone)) return []
  return [{ start: span.start, end: span.start + end }]
}

function charPositions(text: string, span: Span, kind: RegExp): number[] {
  const positions: number[] = []
  for (let index = span.start; index < span.end; index++) if (kind.test(text[index]!)) positions.push(index)
  return positions
}

export function luhnValid(digits: string): boolean {
  let sum = 0
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index])
    if (index % 2 === 1 && (digit *= 2) > 9) digit -= 9
    sum += digit
  }
  return digits.length > 0 && sum % 10 === 0
}

/** ISO 13616: move the first four characters to the end, letters to 10–35, and the number mod 97 must be 1. */
export function ibanChecksumValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (const char of rearranged) {
    const code = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55)
    for (const digit of code) remainder = (remainder * 10 + Number(digit)) % 97
  }
  return remainder === 1
}
