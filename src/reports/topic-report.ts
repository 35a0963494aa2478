import { z } from 'zod'
import { cutAtWord } from '../cut-text.js'
import type { Deps } from '../deps.js'
import { neutraliseText, type NeutralText } from '../knowledge/neutral-draft.js'
import { clusterTopics, proposeTitle, representatives, surfaceForm, topicKeywords, topicSimilarity } from './topics.js'

/**
 * At most this many inquiries (the most recent) are embedded and grouped per report: neutralising, embedding
 * and grouping cost about 0.25 ms per inquiry (bench:reports), and a lead's page should answer in well under a second.
 */
export const topicInquiryLimit = 1000
const batchSize = 64
const embeddedChars = 1000
const excerptChars = 240

/** An inquiry as the topic reports read it. */
export interface TopicSource {
  id: string
  subject: string | null
  body: string
  language: string
  customerName: string | null
  createdAt: Date
}

export const ExampleSchema = z.object({
  inquiryId: z.string().uuid(),
  excerpt: z.string().meta({ description: 'Subject and start of the text, names and personal data replaced ([Name], [E-Mail-Adresse] …)' }),
  language: z.string(),
  createdAt: z.string(),
})

export const MethodSchema = z
  .object({
    embeddingSpace: z.string(),
    similarity: z.number().meta({ description: "Cosine similarity to a topic's mean vector at which an inquiry joins it" }),
    description: z.string(),
  })
  .meta({ description: 'How the topics were found, so a lead can follow it' })

/** One topic: its members (indexes into the sources), three typical examples and the words that name it. */
export interface FoundTopic {
  members: number[]
  examples: Array<z.infer<typeof ExampleSchema>>
  keywords: string[]
  language: string
  proposedTitle: string
}

const textOf = (source: Pick<TopicSource, 'subject' | 'body'>) => [source.subject, source.body].filter(Boolean).join('\n')

/** An inquiry's first words for a report, without the customer's name and personal data, and what was replaced. */
export function neutralExcerpt(source: Pick<TopicSource, 'subject' | 'body' | 'language' | 'customerName'>): NeutralText {
  const text = cutAtWord(textOf(source).replace(/\s+/g, ' ').trim(), excerptChars)
  return neutraliseText(text, { language: source.language, names: [source.customerName] })
}

const excerptOf = (source: TopicSource) => neutralExcerpt(source).body

/**
 * The sources (oldest first) grouped into topics with the configured embedder: inquiries have no stored
 * vector, so their texts are embedded now, which is why a report reads at most `topicInquiryLimit`.
 */
export async function findTopics(
  deps: Pick<Deps, 'embeddings'>,
  sources: readonly TopicSource[],
): Promise<{ topics: FoundTopic[]; method: z.infer<typeof MethodSchema> }> {
  const embedder = deps.embeddings.target
  const similarity = topicSimilarity[embedder.space.provider]
  const vectors: Float32Array[] = []
  for (let start = 0; start < sources.length; start += batchSize) {
    // Names and personal data replaced first: they are noise for the topic, and an embedding API need not see them.
    const texts = sources
      .slice(start, start + batchSize)
      .map(
        (source) =>
          neutraliseText(textOf(source).slice(0, embeddedChars), { language: source.language, names: [source.customerName] }).body,
      )
    vectors.push(...(await embedder.embed(texts, { purpose: 'query' })))
  }
  const items = sources.map((source, index) => ({ vector: vectors[index]!, text: textOf(source), exclude: [source.customerName ?? ''] }))
  const topics = clusterTopics(vectors, similarity).map((members) => {
    const language = majority(members.map((index) => sources[index]!.language))
    const texts = members.map((index) => items[index]!.text)
    const keywords = topicKeywords(items, members).map((word) => surfaceForm(word, texts))
    return {
      members,
      examples: representatives(vectors, members).map((index) => {
        const source = sources[index]!
        return { inquiryId: source.id, excerpt: excerptOf(source), language: source.language, createdAt: source.createdAt.toISOString() }
      }),
      keywords,
      language,
      proposedTitle: proposeTitle(keywords, language),
    }
  })
  const method = {
    embeddingSpace: embedder.id,
    similarity,
    description:
      'Oldest inquiry first, each joins the most similar topic so far (cosine similarity to its mean vector at least `similarity`) or starts a new one; named by the words frequent in the topic and rare in the others (TF-IDF).',
  }
  return { topics, method }
}

/** The most frequent value (ties: alphabetically first). */
export function majority(values: readonly string[]): string {
  return countBy(values)[0]?.value ?? ''
}

/** How often each value occurs, the most frequent first (ties alphabetically). */
export function countBy<T extends string>(values: readonly T[]): Array<{ value: T; count: number }> {
  const counts = new Map<T, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return [...counts.entries()]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
}
