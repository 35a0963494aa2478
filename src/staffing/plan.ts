import { z } from 'zod'
import type { Deps } from '../deps.js'
import { addDays } from '../reports/range.js'
import { weeklyArrivals, type ArrivalRow } from '../storage/queries/arrivals.js'
import { agentsNeeded } from './erlang-c.js'
import { backtest, hoursPerWeek, seasonalMean } from './forecast.js'
import { getStaffingSettings, StaffingSettingsSchema, type DepartmentStaffing } from './settings.js'

export const StaffingQuerySchema = z.object({
  weeks: z.coerce.number().int().min(1).max(26).default(4).meta({ description: 'Complete weeks of history the forecast averages (1–26)' }),
})

/** Phone and chat are answered while the customer waits (Erlang C); everything else is worked off (workload). */
const synchronous = /^(phone|voice|call|telephone|telefon|chat|live[ _-]?chat|messaging|whatsapp)$/i
export const isSynchronous = (channel: string | null) => channel !== null && synchronous.test(channel.trim())

const departments = ['technical', 'commercial'] as const

const BacktestScoresSchema = z.object({
  weeks: z.number().int(),
  meanAbsoluteError: z.number(),
  weightedPercentageError: z.number().nullable(),
})

export const StaffingPlanSchema = z
  .object({
    weekStarting: z.string().meta({ description: 'The Monday (local date) the plan is for' }),
    timeZone: z.string(),
    historyWeeks: z.number().int(),
    model: z.string(),
    departments: z.array(
      z.object({
        department: z.enum(departments),
        settings: StaffingSettingsSchema.shape.technical,
        expectedArrivals: z.number(),
        peakAgents: z.number().int(),
        backtest: z
          .object({ model: BacktestScoresSchema, baseline: BacktestScoresSchema })
          .nullable()
          .meta({ description: 'The last (up to 2) history weeks forecast from the weeks before them; baseline: same hour last week' }),
        hours: z.array(
          z.object({
            hourOfWeek: z.number().int(),
            weekday: z.number().int().meta({ description: 'ISO weekday, 1 = Monday' }),
            hour: z.number().int(),
            arrivals: z.object({ async: z.number(), sync: z.number() }),
            agents: z.number().int(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'StaffingPlan' })

export type StaffingPlan = z.infer<typeof StaffingPlanSchema>

/**
 * Next week's expected arrivals per department and hour (seasonal hour-of-week mean of the last `weeks`
 * complete weeks, in the UI time zone) and the agents each hour needs under the lead's settings.
 */
export async function staffingPlan(deps: Pick<Deps, 'sql' | 'clock' | 'config'>, query: { weeks: number }): Promise<StaffingPlan> {
  const timeZone = deps.config.ui.timeZone
  const { monday, rows } = await weeklyArrivals(deps.sql, { now: deps.clock.now(), timeZone, weeks: query.weeks })
  const settings = await getStaffingSettings(deps)
  return {
    weekStarting: addDays(monday, 7),
    timeZone,
    historyWeeks: query.weeks,
    model: `seasonal hour-of-week mean of the last ${query.weeks} complete week${query.weeks === 1 ? '' : 's'}`,
    departments: departments.map((department) => {
      const own = rows.filter((row) => row.department === department)
      const asyncHistory = historyOf(
        own.filter((row) => !isSynchronous(row.channel)),
        query.weeks,
      )
      const syncHistory = historyOf(
        own.filter((row) => isSynchronous(row.channel)),
        query.weeks,
      )
      const asyncForecast = seasonalMean(asyncHistory)
      const syncForecast = seasonalMean(syncHistory)
      const agents = agentsPerHour(asyncForecast, syncForecast, settings[department])
      const round = (value: number) => Math.round(value * 100) / 100
      return {
        department,
        settings: settings[department],
        expectedArrivals: round(asyncForecast.reduce((a, b) => a + b, 0) + syncForecast.reduce((a, b) => a + b, 0)),
        peakAgents: Math.max(...agents),
        backtest: backtest(asyncHistory.map((week, index) => week.map((count, hour) => count + syncHistory[index]![hour]!))),
        hours: agents.map((needed, hourOfWeek) => ({
          hourOfWeek,
          weekday: Math.floor(hourOfWeek / 24) + 1,
          hour: hourOfWeek % 24,
          arrivals: { async: round(asyncForecast[hourOfWeek]!), sync: round(syncForecast[hourOfWeek]!) },
          agents: needed,
        })),
      }
    }),
  }
}

function historyOf(rows: readonly ArrivalRow[], weeks: number): number[][] {
  const history = Array.from({ length: weeks }, () => new Array<number>(hoursPerWeek).fill(0))
  for (const row of rows) if (row.week >= 0 && row.week < weeks) history[row.week]![row.hour_of_week]! += row.arrivals
  return history
}

/**
 * Agents per hour. E-mails and tickets: each hour's work (arrivals × handling time) may be done within the
 * first-response target, so it is spread evenly over that many hours from its arrival (wrapping into the
 * next week's start). Calls and chats: Erlang C for the hour's arrivals. Both divided by the productive share.
 */
export function agentsPerHour(asyncArrivals: readonly number[], syncArrivals: readonly number[], settings: DepartmentStaffing): number[] {
  const window = Math.max(1, Math.round(settings.async.firstResponseHours))
  const work = new Array<number>(hoursPerWeek).fill(0)
  asyncArrivals.forEach((arrivals, hour) => {
    const agentHours = (arrivals * settings.async.handlingMinutes) / 60
    for (let offset = 0; offset < window; offset++) work[(hour + offset) % hoursPerWeek]! += agentHours / window
  })
  return work.map((asyncAgents, hour) => {
    const sync = syncArrivals[hour]! > 0 ? agentsNeeded({ arrivalsPerHour: syncArrivals[hour]!, ...settings.sync }).agents : 0
    // A hair of tolerance: 2.0000000001 agents of spread work is two agents, not three.
    return Math.max(0, Math.ceil((asyncAgents + sync) / settings.productiveShare - 1e-9))
  })
}
