/**
 * The salutation of a reply, from the customer's name as the helpdesk sent it. A name is used only when
 * it reads as one person, and a gendered form only when the data names the title ("Frau", "Mr"): guessing
 * gender from first names is wrong often enough to offend, so "Jens Hartmann" gets "Guten Tag," and a
 * company never gets addressed as a person ("Guten Tag Hotel Seeblick GmbH," reads as machine-made).
 */

export type Gender = 'female' | 'male' | 'neutral'

/** The parts of a name a salutation uses; `honorific` is the title as given (Mrs, Miss, Ms, Mx, Frau, Herr). */
export interface Addressee {
  gender: Gender | undefined
  honorific: string | undefined
  /** Academic titles in the order given, normalised: 'Dr.', 'Prof.'. */
  academic: string[]
  surname: string
}

// Titles are looked up without their dot and in lower case.
export const honorifics: Record<string, { gender: Gender; english: string }> = {
  frau: { gender: 'female', english: 'Ms' },
  fr: { gender: 'female', english: 'Ms' },
  ms: { gender: 'female', english: 'Ms' },
  mrs: { gender: 'female', english: 'Mrs' },
  miss: { gender: 'female', english: 'Miss' },
  herr: { gender: 'male', english: 'Mr' },
  herrn: { gender: 'male', english: 'Mr' },
  hr: { gender: 'male', english: 'Mr' },
  mr: { gender: 'male', english: 'Mr' },
  mx: { gender: 'neutral', english: 'Mx' },
}
export const academicTitles: Record<string, string> = { dr: 'Dr.', prof: 'Prof.', professor: 'Prof.' }
// Degree parts after "Dr." and post-nominals: not used in a salutation.
const ignoredTitles = new Set([
  'med',
  'dent',
  'vet',
  'rer',
  'nat',
  'pol',
  'phil',
  'jur',
  'oec',
  'ing',
  'h.c',
  'hc',
  'dipl.-ing',
  'dipl',
  'mag',
])
const suffixes = new Set([
  'jr',
  'sr',
  'jun',
  'sen',
  'ii',
  'iii',
  'iv',
  'phd',
  'ph.d',
  'mba',
  'md',
  'msc',
  'm.sc',
  'bsc',
  'b.sc',
  'llm',
  'esq',
])
export const particles = new Set([
  'von',
  'vom',
  'zu',
  'zum',
  'zur',
  'van',
  'de',
  'der',
  'den',
  'del',
  'della',
  'di',
  'da',
  'du',
  'la',
  'le',
  'ten',
  'ter',
  'af',
  'av',
])

// Legal forms and words that name an organisation, not a person; compared in lower case without a final dot.
const organisationWords = new Set([
  ...['gmbh', 'ggmbh', 'mbh', 'ag', 'kg', 'kgaa', 'ohg', 'ug', 'gbr', 'e.k', 'e.v', 'eg', 'se', 'partg', 'co', '&co'],
  ...[
    'ltd',
    'limited',
    'inc',
    'llc',
    'llp',
    'plc',
    'corp',
    'corporation',
    'company',
    'sarl',
    's.a',
    'b.v',
    'bv',
    'n.v',
    's.r.l',
    'spa',
    's.p.a',
  ],
  ...['hotel', 'pension', 'hostel', 'praxis', 'kanzlei', 'team', 'service', 'services', 'support', 'kundenservice', 'kundendienst'],
  ...['verwaltung', 'hausverwaltung', 'immobilien', 'apotheke', 'bäckerei', 'restaurant', 'café', 'cafe', 'gasthaus', 'gasthof'],
  ...['autohaus', 'werkstatt', 'klinik', 'klinikum', 'krankenhaus', 'schule', 'kita', 'kindergarten', 'gemeinde', 'stadt', 'stadtwerke'],
  ...['verein', 'stiftung', 'verlag', 'agentur', 'studio', 'shop', 'store', 'gruppe', 'group', 'holding', 'firma', 'abteilung'],
  ...['department', 'buchhaltung', 'einkauf', 'vertrieb', 'office', 'büro', 'buero', 'zentrale', 'info', 'kontakt', 'contact', 'sales'],
  ...['consulting', 'solutions', 'systems', 'partner', 'partners', 'handel', 'logistik', 'familie', 'family', 'und', 'and', 'u', '&', '+'],
])

const letters = (token: string) => token.replace(/[^\p{L}]/gu, '')
const key = (token: string) => token.toLowerCase().replace(/\.$/, '')

/** The addressee in `name`, or undefined when it is empty, an organisation, several people or no surname. */
export function addresseeOf(name: string | null | undefined): Addressee | undefined {
  const text = (name ?? '')
    .replace(/\([^)]*\)/g, ' ') // "Anna Kraus (Einkauf)"
    .replace(/\b(Dr|Prof)\.(?=\p{L})/gu, '$1. ') // "Dr.Kraus"
    .replace(/\s+/g, ' ')
    .trim()
  if (!text || /[@\d/]/.test(text)) return undefined
  const [before, after, ...more] = text.split(',').map((part) => part.trim())
  if (more.length > 0) return undefined
  // "Kraus, Anna" lists the surname first; anything after a comma in other forms is not a name.
  const tokens = (after !== undefined && !/\s/.test(before!) ? `${after} ${before}` : before!).split(' ').filter(Boolean)
  if (tokens.some((token) => organisationWords.has(key(token)))) return undefined
  const shouted = !/\p{Ll}/u.test(text)
  let gender: Gender | undefined
  let honorific: string | undefined
  const academic: string[] = []
  const rest: string[] = []
  for (const token of tokens) {
    const found = honorifics[key(token)]
    if (found && rest.length === 0) {
      gender = found.gender
      honorific = found.english
    } else if (academicTitles[key(token)] && rest.length === 0) academic.push(academicTitles[key(token)]!)
    else if (!ignoredTitles.has(key(token)) && !suffixes.has(key(token))) rest.push(token)
  }
  if (!shouted && rest.some(isAcronym)) return undefined
  const surname = surnameOf(rest)
  if (!surname || rest.length > 5) return undefined
  return { gender, honorific, academic, surname }
}

/** An all-capitals word in a name that is otherwise not shouted: an acronym (IBM, SAP, BMW) unless it reads as a word. */
function isAcronym(token: string): boolean {
  const word = letters(token)
  if (word.length < 2 || /\p{Ll}/u.test(word)) return false
  return word.length <= 3 || !/[AEIOUYÄÖÜ]/.test(word)
}

/** The last word with the particles before it ("von der Heide"), case-normalised; undefined for an initial or a lone particle. */
function surnameOf(words: string[]): string | undefined {
  const last = words[words.length - 1]
  if (!last || letters(last).length < 2 || last.endsWith('.') || particles.has(last.toLowerCase())) return undefined
  let start = words.length - 1
  while (start > 0 && particles.has(words[start - 1]!.toLowerCase())) start--
  return words
    .slice(start)
    .map((word, index) => (index < words.length - 1 - start ? particle(word) : normaliseCase(word)))
    .join(' ')
}

/** Particles keep their written case unless shouted ("VON" → "von"). */
const particle = (word: string) => (/\p{Ll}/u.test(word) ? word : word.toLowerCase())

/** "KRAUS" and "kraus" become "Kraus"; a name written in mixed case ("McDonald", "DeLuca") stays as it is. */
export function normaliseCase(word: string): string {
  if (/\p{Lu}/u.test(word) && /\p{Ll}/u.test(word)) return word
  return word
    .toLowerCase()
    .replace(/(^|[-'’])(\p{L})/gu, (_, mark: string, first: string) => mark + first.toUpperCase())
    .replace(/^Mc(\p{L})/u, (_, next: string) => `Mc${next.toUpperCase()}`)
}

/** The opening line of a reply in German or English: formal with a known title, neutral otherwise. */
export function salutation(name: string | null | undefined, language: 'de' | 'en'): string {
  const addressee = addresseeOf(name)
  return language === 'de' ? germanSalutation(addressee) : englishSalutation(addressee)
}

function germanSalutation(addressee: Addressee | undefined): string {
  if (addressee?.gender !== 'female' && addressee?.gender !== 'male') return 'Guten Tag,'
  const titles = [...addressee.academic, addressee.surname].join(' ')
  return addressee.gender === 'female' ? `Sehr geehrte Frau ${titles},` : `Sehr geehrter Herr ${titles},`
}

function englishSalutation(addressee: Addressee | undefined): string {
  if (!addressee) return 'Hello,'
  // British style without dots; an academic title replaces Mr or Ms ("Dear Dr Kraus,").
  if (addressee.academic.includes('Prof.')) return `Dear Professor ${addressee.surname},`
  if (addressee.academic.includes('Dr.')) return `Dear Dr ${addressee.surname},`
  return addressee.honorific ? `Dear ${addressee.honorific} ${addressee.surname},` : 'Hello,'
}
