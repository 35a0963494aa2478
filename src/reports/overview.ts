import { z } from 'zod'
import type { Deps } from '../deps.js'
import * as reports from '../storage/queries/reports.js'
import { ReportRangeSchema, resolveRange } from './range.js'

export const ReportQuerySchema = ReportRangeSchema.extend({
  granularity: z
    .enum(['day', 'week'])
    .default('day')
    .meta({ description: 'Periods of the series: local days, or weeks from Monday (labelled by their Monday)' }),
})

export type ReportQuery = z.infer<typeof ReportQuerySchema>

const counts = z.record(z.string(), z.number().int())
const share = z.number().min(0).max(1).nullable()

const DeadlineSchema = z.object({
  met: z.number().int().meta({ description: 'Done by the due time' }),
  missed: z.number().int().meta({ description: 'Done after the due time, or not done and already overdue' }),
  pending: z.number().int().meta({ description: 'Not done and not yet due' }),
  shareMet: share.meta({ description: 'met ÷ (met + missed); null when neither' }),
  medianMinutes: z.number().nullable().meta({ description: 'Median time from the escalation to this step, of those done' }),
})

export const ReportOverviewSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    timeZone: z.string(),
    granularity: z.enum(['day', 'week']),
    department: z.enum(['technical', 'commercial']).nullable(),
    periods: z
      .array(
        z.object({
          period: z
            .string()
            .meta({ description: 'The local date the period starts (a Monday for weeks; the first and last week may be partial)' }),
          inquiries: z.number().int(),
          escalated: z.number().int(),
          complaints: z.number().int(),
          departments: counts,
          languages: counts.meta({ description: 'Every language seen in the range, 0 where a period had none' }),
          channels: counts.meta({ description: 'Every channel seen in the range (`unknown`: none given), 0 where a period had none' }),
        }),
      )
      .meta({ description: 'Every period of the range, in order; a period without inquiries has zeros' }),
    totals: z.object({
      inquiries: z.number().int(),
      escalated: z.number().int(),
      departments: counts,
      languages: counts,
      channels: counts,
    }),
    escalations: z.object({
      total: z.number().int().meta({ description: "Escalations of the range's inquiries" }),
      reasons: z
        .array(z.object({ code: z.string(), escalations: z.number().int() }))
        .meta({ description: 'Per reason code, most frequent first; an escalation counts for each of its reasons' }),
      claim: DeadlineSchema,
      resolve: DeadlineSchema,
    }),
    suggestions: z
      .object({
        withFeedback: z.number().int().meta({ description: 'Inquiries an agent gave feedback on (their latest verdict counts)' }),
        usedAsIs: z.number().int(),
        edited: z.number().int(),
        none: z.number().int().meta({ description: 'No suggestion was used' }),
        departmentCorrected: z.number().int(),
        correctionShare: share.meta({ description: 'departmentCorrected ÷ withFeedback' }),
      })
      .meta({ description: 'How agents used the suggested replies, and how often they corrected the department' }),
    complaints: z.object({
      inquiries: z.number().int().meta({ description: 'Inquiries in which the complaint signal fired' }),
      assessed: z.number().int().meta({ description: 'Inquiries triaged with the complaint signal (not those stored before it existed)' }),
      rate: share.meta({ description: 'inquiries ÷ assessed' }),
    }),
    hours: z
      .array(z.object({ hour: z.number().int(), inquiries: z.number().int() }))
      .meta({ description: 'Inquiries per local hour of the day over the range, 0–23' }),
  })
  .meta({ id: 'ReportOverview' })

export type ReportOverview = z.infer<typeof ReportOverviewSchema>

/**
 * The lead's overview of a range of local dates: inquiries per period, department, language and channel;
 * escalations per reason and against their due times; the use of suggestions; complaints; the busy hours.
 */
export async function reportOverview(deps: Pick<Deps, 'sql' | 'clock' | 'config'>, query: ReportQuery): Promise<ReportOverview> {
  const timeZone = deps.config.ui.timeZone
  const now = deps.clock.now()
  const { from, to, fromAt, toAt } = await resolveRange(deps, query)
  const scope = {
    fromAt,
    toAt,
    from,
    to,
    timeZone,
    unit: query.granularity,
    department: query.department ?? null,
  }
  const [volume, hours, reasons, times, use] = await Promise.all([
    reports.volumeByPeriod(deps.sql, scope),
    reports.inquiriesByHour(deps.sql, scope),
    reports.escalationsByReason(deps.sql, scope),
    reports.escalationTimes(deps.sql, scope, now),
    reports.suggestionUse(deps.sql, scope),
  ])
  const { periods, totals, complaints } = periodsOf(volume)
  return {
    from,
    to,
    timeZone,
    granularity: query.granularity,
    department: scope.department as ReportOverview['department'],
    periods,
    totals,
    escalations: {
      total: times.escalations,
      reasons,
      claim: deadlineOf(times.escalations, times.claim_met, times.claim_missed, times.claim_median_seconds),
      resolve: deadlineOf(times.escalations, times.resolve_met, times.resolve_missed, times.resolve_median_seconds),
    },
    suggestions: {
      withFeedback: use.with_feedback,
      usedAsIs: use.used_as_is,
      edited: use.edited,
      none: use.none,
      departmentCorrected: use.corrected,
      correctionShare: ratio(use.corrected, use.with_feedback),
    },
    complaints: { ...complaints, rate: ratio(complaints.inquiries, complaints.assessed) },
    hours,
  }
}

const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null)

function deadlineOf(total: number, met: number, missed: number, medianSeconds: number | null) {
  return {
    met,
    missed,
    pending: total - met - missed,
    shareMet: ratio(met, met + missed),
    medianMinutes: medianSeconds === null ? null : Math.round(medianSeconds / 6) / 10,
  }
}

type Counts = Record<string, number>
const departments = ['technical', 'commercial']

/** The query's rows folded into one entry per period, each listing every key seen in the range (zeros included). */
function periodsOf(rows: readonly reports.VolumeRow[]) {
  const keys = { languages: new Set<string>(), channels: new Set<string>() }
  for (const row of rows) {
    if (row.language !== null) keys.languages.add(row.language)
    if (row.department !== null) keys.channels.add(row.channel ?? 'unknown')
  }
  const zeros = (keys: Iterable<string>): Counts => Object.fromEntries([...keys].map((key) => [key, 0]))
  const fresh = () => ({
    departments: zeros(departments),
    languages: zeros([...keys.languages].sort()),
    channels: zeros([...keys.channels].sort()),
  })
  const totals = { inquiries: 0, escalated: 0, ...fresh() }
  const complaints = { inquiries: 0, assessed: 0 }
  const byPeriod = new Map<string, ReportOverview['periods'][number]>()
  for (const row of rows) {
    let entry = byPeriod.get(row.period)
    if (!entry) byPeriod.set(row.period, (entry = { period: row.period, inquiries: 0, escalated: 0, complaints: 0, ...fresh() }))
    if (row.department === null) continue
    for (const target of [entry, totals]) {
      target.inquiries += row.inquiries
      target.escalated += row.escalated
      target.departments[row.department]! += row.inquiries
      target.languages[row.language!]! += row.inquiries
      target.channels[row.channel ?? 'unknown']! += row.inquiries
    }
    entry.complaints += row.complaints
    complaints.inquiries += row.complaints
    complaints.assessed += row.assessed
  }
  return { periods: [...byPeriod.values()], totals, complaints }
}
