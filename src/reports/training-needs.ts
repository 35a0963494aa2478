import { z } from 'zod'
import type { Deps } from '../deps.js'
import * as queries from '../storage/queries/report-training.js'
import { rangeOf, RangeSchema, resolveRange, type ReportRangeQuery } from './range.js'
import { countBy, ExampleSchema, findTopics, MethodSchema, topicInquiryLimit } from './topic-report.js'

const department = z.enum(['technical', 'commercial'])
const signalNames = ['edited', 'rejected', 'corrected', 'handedBack', 'reEscalated'] as const
type Signal = (typeof signalNames)[number]

const SignalCountsSchema = z.object({
  edited: z.number().int().meta({ description: "Agent's last feedback: used a suggestion, but edited it" }),
  rejected: z.number().int().meta({ description: "Agent's last feedback: used none of the inquiry's suggestions" }),
  corrected: z.number().int().meta({ description: "The agent's or the lead's final department differs from triage's" }),
  handedBack: z.number().int().meta({ description: 'The case was released or reassigned by a lead' }),
  reEscalated: z
    .number()
    .int()
    .meta({ description: 'The case was resolved and the same customer was escalated again within REPEAT_CONTACT_DAYS' }),
})

const share = z.number().nullable()

export const TrainingNeedsSchema = z
  .object({
    range: RangeSchema,
    departments: z.array(
      SignalCountsSchema.extend({
        department,
        inquiries: z.number().int(),
        withSignal: z.number().int().meta({ description: 'Inquiries with at least one signal' }),
        withFeedback: z.number().int(),
        escalated: z.number().int(),
        rates: z.object({ edited: share, rejected: share, corrected: share, reEscalated: share }).meta({
          description: 'edited and rejected per inquiry with feedback, corrected per inquiry, reEscalated per escalation; null without any',
        }),
      }),
    ),
    signalInquiries: z.number().int().meta({ description: 'Inquiries of the range with at least one signal' }),
    analysed: z.number().int(),
    truncated: z
      .boolean()
      .meta({ description: `True when more than ${topicInquiryLimit} had a signal: older ones are left out of the topics` }),
    method: MethodSchema,
    topics: z
      .array(
        z.object({
          id: z.string().uuid(),
          count: z.number().int(),
          signals: SignalCountsSchema,
          keywords: z.array(z.string()),
          label: z.string(),
          departments: z.array(z.object({ department, count: z.number().int() })),
          examples: z.array(ExampleSchema.extend({ signals: z.array(z.enum(signalNames)) })),
        }),
      )
      .meta({ description: 'Inquiries with signals grouped by topic, the largest first, at most 50' }),
    perAgent: z.boolean().meta({ description: 'Whether per-agent figures are switched on (REPORTS_PER_AGENT=true)' }),
    agents: z
      .array(
        z.object({
          keyId: z.string().uuid(),
          name: z.string(),
          feedback: z.number().int(),
          edited: z.number().int(),
          rejected: z.number().int(),
          corrected: z.number().int(),
        }),
      )
      .optional()
      .meta({ description: 'Only with REPORTS_PER_AGENT=true (works council co-determination, BetrVG § 87 (1) no. 6)' }),
  })
  .meta({ id: 'TrainingNeeds' })
export type TrainingNeeds = z.infer<typeof TrainingNeedsSchema>

const maxTopics = 50
const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 1000 : null)

/**
 * Where agents and leads had to correct the system, at team level: per department and per topic, with
 * examples. Per-agent figures only when the operator switched them on.
 */
export async function reportTrainingNeeds(
  deps: Pick<Deps, 'sql' | 'clock' | 'config' | 'embeddings'>,
  query: ReportRangeQuery,
): Promise<TrainingNeeds> {
  const range = await resolveRange(deps, query)
  const scope = { ...range, repeatDays: deps.config.triage.repeatContactDays }
  const counts = await queries.countSignalsByDepartment(deps.sql, scope)
  const rows = (await queries.listSignalInquiries(deps.sql, { ...scope, limit: topicInquiryLimit })).reverse()
  const sources = rows.map((row) => ({ ...row, customerName: row.customer_name, createdAt: row.created_at }))
  const { topics, method } = await findTopics(deps, sources)
  const signalsOf = (row: queries.SignalInquiryRow): Signal[] =>
    signalNames.filter((name) => (name === 'handedBack' ? row.handed_back : name === 'reEscalated' ? row.re_escalated : row[name]))
  const byId = new Map(rows.map((row) => [row.id, row]))
  const total = counts.reduce((sum, row) => sum + row.with_signal, 0)
  return {
    range: rangeOf(range),
    departments: counts.map(toDepartment),
    signalInquiries: total,
    analysed: rows.length,
    truncated: total > rows.length,
    method,
    topics: topics.slice(0, maxTopics).map((topic) => {
      const members = topic.members.map((index) => rows[index]!)
      const signals = Object.fromEntries(
        signalNames.map((name) => [name, members.filter((row) => signalsOf(row).includes(name)).length]),
      ) as Record<Signal, number>
      return {
        id: members[0]!.id,
        count: members.length,
        signals,
        keywords: topic.keywords,
        label: topic.proposedTitle,
        departments: countBy(members.map((row) => row.department)).map(({ value, count }) => ({ department: value, count })),
        examples: topic.examples.map((example) => ({ ...example, signals: signalsOf(byId.get(example.inquiryId)!) })),
      }
    }),
    perAgent: deps.config.reports.perAgent,
    ...(deps.config.reports.perAgent ? { agents: await agentFigures(deps, range) } : {}),
  }
}

function toDepartment(row: queries.DepartmentSignalRow): TrainingNeeds['departments'][number] {
  return {
    department: row.department,
    inquiries: row.inquiries,
    withSignal: row.with_signal,
    withFeedback: row.with_feedback,
    escalated: row.escalated,
    edited: row.edited,
    rejected: row.rejected,
    corrected: row.corrected,
    handedBack: row.handed_back,
    reEscalated: row.re_escalated,
    rates: {
      edited: ratio(row.edited, row.with_feedback),
      rejected: ratio(row.rejected, row.with_feedback),
      corrected: ratio(row.corrected, row.inquiries),
      reEscalated: ratio(row.re_escalated, row.escalated),
    },
  }
}

async function agentFigures(deps: Pick<Deps, 'sql'>, range: { fromAt: Date; toAt: Date; department: string | null }) {
  const rows = await queries.countSignalsByAgent(deps.sql, range)
  return rows.map((row) => ({
    keyId: row.key_id,
    name: row.name,
    feedback: row.feedback,
    edited: row.edited,
    rejected: row.rejected,
    corrected: row.corrected,
  }))
}
