import { chunkArticle } from '../../src/knowledge/chunk.js'
import { seededRandom } from '../../src/triage/classifier/random.js'
import { buildLongTail } from './long-tail.js'
import { english, german, type LanguageWords } from './vocabulary.js'

/** A deterministic pseudo-random source: the same seed gives the same knowledge base. */
export type Random = () => number
export { seededRandom }

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!

/** Samples list items with probability proportional to 1/(rank+1)^exponent, as word frequencies go. */
function zipfSampler<T>(list: readonly T[], exponent: number): (random: Random) => T {
  const cumulative: number[] = []
  let total = 0
  for (let rank = 0; rank < list.length; rank++) cumulative.push((total += 1 / (rank + 1) ** exponent))
  return (random) => {
    const target = random() * total
    let low = 0
    let high = cumulative.length - 1
    while (low < high) {
      const middle = (low + high) >> 1
      if (cumulative[middle]! < target) low = middle + 1
      else high = middle
    }
    return list[low]!
  }
}

/** One article as `upsertArticles` accepts it. */
export interface SyntheticArticle {
  externalId: string
  title: string
  body: string
  language: 'de' | 'en'
  department: 'technical' | 'commercial' | 'both'
  tags: string[]
}

interface Language {
  code: 'de' | 'en'
  words: LanguageWords
  /** Background words of running text: Zipf over frequent words then the long tail (exponent 1, as in text). */
  article: (random: Random) => string
  /** An article's topic words: a flatter Zipf, so most topics are tail words (a part, a code, a compound). */
  topic: (random: Random) => string
  /** Content words of a question: between the two. */
  query: (random: Random) => string
}

const tail = buildLongTail(german.kinds.length)
const { productsByKind, errorCodes, parts } = tail

const languages: Language[] = [german, english].map((words, index) => {
  const ranked = [...words.words, ...(index === 0 ? tail.german : tail.english)]
  return {
    code: index === 0 ? 'de' : 'en',
    words,
    article: zipfSampler(ranked, 1),
    topic: zipfSampler(ranked, 0.5),
    query: zipfSampler(ranked, 0.7),
  }
})

function sentence(random: Random, language: Language, topic: string[], product: string, codes: string[]): string {
  const length = 8 + Math.floor(random() * 9)
  const words: string[] = []
  for (let i = 0; i < length; i++) {
    const roll = random()
    if (roll < 0.45) words.push(pick(random, language.words.glue))
    else if (roll < 0.73) words.push(pick(random, topic))
    else if (roll < 0.77) words.push(random() < 0.6 ? product : pick(random, codes))
    else words.push(language.article(random))
  }
  const text = words.join(' ')
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`
}

/** An article of 4 to 6 sections of about 160 words: each section becomes one chunk of about 220 tokens. */
function generateArticle(random: Random, index: number): SyntheticArticle {
  const language = pick(random, languages)
  const kindIndex = Math.floor(random() * language.words.kinds.length)
  const product = pick(random, productsByKind[kindIndex]!)
  const topic = [...new Set(Array.from({ length: 14 }, () => language.topic(random)))]
  // The display code and the spare part this article is about: rare words, as in a real knowledge base.
  const codes = [pick(random, errorCodes), pick(random, parts)]
  const sections: string[] = []
  const sectionCount = 4 + Math.floor(random() * 3)
  for (let s = 0; s < sectionCount; s++) {
    const paragraphs = Array.from({ length: 3 }, () =>
      Array.from({ length: 4 + Math.floor(random() * 2) }, () => sentence(random, language, topic, product, codes)).join(' '),
    )
    sections.push(`## ${pick(random, language.words.headings)} ${s + 1}\n\n${paragraphs.join('\n\n')}`)
  }
  const kind = language.words.kinds[kindIndex]!
  return {
    externalId: `bench-${language.code}-${index}`,
    title: `${kind} ${product} – ${topic[0]} ${language.code === 'de' ? 'und' : 'and'} ${topic[1] ?? topic[0]}`,
    body: sections.join('\n\n'),
    language: language.code,
    department: pick(random, ['technical', 'technical', 'commercial', 'both'] as const),
    tags: [product.toLowerCase(), ...topic.slice(0, 3).map((word) => word.toLowerCase())],
  }
}

/**
 * Articles until their chunks (as the real chunker cuts them) reach `targetChunks`, with each one's
 * chunk count. The stream depends only on the seed, so a smaller size is a prefix of a larger one.
 */
export function generateArticles(seed: number, targetChunks: number): { articles: SyntheticArticle[]; counts: Map<string, number> } {
  const random = seededRandom(seed)
  const articles: SyntheticArticle[] = []
  const counts = new Map<string, number>()
  let chunks = 0
  while (chunks < targetChunks) {
    const article = generateArticle(random, articles.length)
    const count = chunkArticle(article.body).length
    articles.push(article)
    counts.set(article.externalId, count)
    chunks += count
  }
  return { articles, counts }
}

/** The articles from index `from` on that together hold at least `chunks` chunks. */
export function takeChunks(articles: SyntheticArticle[], counts: Map<string, number>, chunks: number, from = 0): SyntheticArticle[] {
  let end = from
  let total = 0
  while (end < articles.length && total < chunks) total += counts.get(articles[end++]!.externalId)!
  return articles.slice(from, end)
}

/** Customer questions built from the same vocabulary but not from article text: an opener, a product, a few words. */
export function generateQueries(seed: number, count: number): string[] {
  const random = seededRandom(seed)
  return Array.from({ length: count }, () => {
    const language = pick(random, languages)
    const parts = [pick(random, language.words.openers)]
    const kindIndex = Math.floor(random() * language.words.kinds.length)
    if (random() < 0.5) parts.push(language.words.kinds[kindIndex]!)
    if (random() < 0.6) parts.push(pick(random, productsByKind[kindIndex]!))
    const wordCount = 2 + Math.floor(random() * 4)
    for (let i = 0; i < wordCount; i++) parts.push(language.query(random))
    if (random() < 0.2) parts.push(pick(random, errorCodes))
    else if (random() < 0.1) parts.push(pick(random, tail.parts))
    return `${parts.join(' ')}?`
  })
}
