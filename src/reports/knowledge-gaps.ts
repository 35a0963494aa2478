import { z } from 'zod'
import type { Deps } from '../deps.js'
import { listGapInquiries, type GapInquiryRow } from '../storage/queries/report-gaps.js'
import { rangeOf, RangeSchema, resolveRange, type ReportRange, type ReportRangeQuery } from './range.js'
import { countBy, ExampleSchema, findTopics, MethodSchema, topicInquiryLimit } from './topic-report.js'

const department = z.enum(['technical', 'commercial'])

/** Where the second half of the range starts: the trend compares the halves. */
export const midpointOf = (range: ReportRange) => new Date((range.fromAt.getTime() + range.toAt.getTime()) / 2)

/** Rising when the second half has at least 1.5 times the first (and two more), falling the other way. */
export function trendOf(firstHalf: number, secondHalf: number): 'rising' | 'falling' | 'steady' {
  if (secondHalf >= firstHalf * 1.5 && secondHalf - firstHalf >= 2) return 'rising'
  if (firstHalf >= secondHalf * 1.5 && firstHalf - secondHalf >= 2) return 'falling'
  return 'steady'
}

export const TrendSchema = z.object({
  firstHalf: z.number().int(),
  secondHalf: z.number().int(),
  direction: z
    .enum(['rising', 'falling', 'steady'])
    .meta({ description: 'rising: the second half of the range has at least 1.5 times the first and two more; falling the other way' }),
})

export const GapTopicSchema = z.object({
  id: z.string().uuid().meta({ description: "The topic's oldest inquiry; stable while the range and data stay the same" }),
  count: z.number().int(),
  reasons: z.object({
    noKnowledge: z.number().int().meta({ description: 'Triage found no relevant article' }),
    notUsed: z.number().int().meta({ description: "The agent's last feedback: none of the suggestions was used" }),
  }),
  trend: TrendSchema,
  keywords: z.array(z.string()),
  proposedTitle: z.string(),
  language: z.string().meta({ description: "The topic's most frequent language, the proposed title's language" }),
  languages: z.array(z.object({ language: z.string(), count: z.number().int() })),
  departments: z.array(z.object({ department, count: z.number().int() })),
  examples: z.array(ExampleSchema).meta({ description: 'Up to three inquiries closest to the topic’s mean' }),
  inquiryIds: z.array(z.string().uuid()).meta({ description: 'Up to ten of its inquiries, most typical first (for the draft action)' }),
})

export const KnowledgeGapsSchema = z
  .object({
    range: RangeSchema,
    gapInquiries: z.number().int().meta({ description: 'Inquiries in the range that no article answered' }),
    analysed: z
      .number()
      .int()
      .meta({ description: `Of those, the most recent ones grouped into topics (at most ${topicInquiryLimit})` }),
    truncated: z
      .boolean()
      .meta({ description: `True when there were more than ${topicInquiryLimit}: older ones are left out of the topics` }),
    method: MethodSchema,
    topics: z.array(GapTopicSchema).meta({ description: 'Largest first, at most 100' }),
  })
  .meta({ id: 'KnowledgeGaps' })
export type KnowledgeGaps = z.infer<typeof KnowledgeGapsSchema>
export type GapTopic = z.infer<typeof GapTopicSchema>

const maxTopics = 100

/**
 * Inquiries that got no answer from the knowledge base (triage's noKnowledge, or the agent used none
 * of the suggestions), grouped into topics with a count, trend, examples, languages and a proposed title.
 */
export async function reportKnowledgeGaps(
  deps: Pick<Deps, 'sql' | 'clock' | 'config' | 'embeddings'>,
  query: ReportRangeQuery,
): Promise<KnowledgeGaps> {
  const range = await resolveRange(deps, query)
  const rows = (await listGapInquiries(deps.sql, { ...range, limit: topicInquiryLimit })).reverse()
  const sources = rows.map((row) => ({ ...row, customerName: row.customer_name, createdAt: row.created_at }))
  const { topics, method } = await findTopics(deps, sources)
  const middle = midpointOf(range).getTime()
  const total = rows[0]?.total ?? 0
  return {
    range: rangeOf(range),
    gapInquiries: total,
    analysed: rows.length,
    truncated: total > rows.length,
    method,
    topics: topics.slice(0, maxTopics).map((topic) => {
      const members = topic.members.map((index) => rows[index]!)
      const secondHalf = members.filter((row) => row.created_at.getTime() >= middle).length
      return {
        id: members[0]!.id,
        count: members.length,
        reasons: countReasons(members),
        trend: { firstHalf: members.length - secondHalf, secondHalf, direction: trendOf(members.length - secondHalf, secondHalf) },
        keywords: topic.keywords,
        proposedTitle: topic.proposedTitle,
        language: topic.language,
        languages: countBy(members.map((row) => row.language)).map(({ value, count }) => ({ language: value, count })),
        departments: countBy(members.map((row) => row.department)).map(({ value, count }) => ({ department: value, count })),
        examples: topic.examples,
        inquiryIds: [...new Set([...topic.examples.map((example) => example.inquiryId), ...members.map((row) => row.id)])].slice(0, 10),
      }
    }),
  }
}

function countReasons(rows: readonly GapInquiryRow[]): GapTopic['reasons'] {
  const noKnowledge = rows.filter((row) => row.reason === 'no_knowledge').length
  return { noKnowledge, notUsed: rows.length - noKnowledge }
}
