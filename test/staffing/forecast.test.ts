import { describe, expect, it } from 'vitest'
import { backtest, hoursPerWeek, seasonalMean } from '../../src/staffing/forecast.js'
import { agentsPerHour } from '../../src/staffing/plan.js'
import { defaultStaffingSettings } from '../../src/staffing/settings.js'

/** A week of office traffic: weekdays 8–18 busy with a midday peak, evenings light, weekends quiet. */
function pattern(hourOfWeek: number): number {
  const weekday = Math.floor(hourOfWeek / 24)
  const hour = hourOfWeek % 24
  if (weekday >= 5) return hour >= 10 && hour < 16 ? 3 : 0.5
  if (hour < 7 || hour >= 20) return 0.5
  return 10 + 12 * Math.exp(-(((hour - 11) / 2.5) ** 2))
}

/** Deterministic Poisson draws (Knuth), so the test sees the same noise every run. */
function poisson(mean: number, random: () => number): number {
  const limit = Math.exp(-mean)
  let count = 0
  for (let product = random(); product > limit; product *= random()) count++
  return count
}
function seeded(seed: number) {
  let state = seed >>> 0
  return () => ((state = (state * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32
}
const history = (weeks: number, seed: number) => {
  const random = seeded(seed)
  return Array.from({ length: weeks }, () => Array.from({ length: hoursPerWeek }, (_, hour) => poisson(pattern(hour), random)))
}
const meanAbsolute = (forecast: number[]) => forecast.reduce((sum, value, hour) => sum + Math.abs(value - pattern(hour)), 0) / hoursPerWeek

describe('staffing forecast', () => {
  it('recovers the weekly pattern from noisy weeks, the better the more weeks it averages', () => {
    const weeks = history(8, 7)
    const fromOne = meanAbsolute(seasonalMean(weeks.slice(-1)))
    const fromEight = meanAbsolute(seasonalMean(weeks))
    expect(fromEight).toBeLessThan(fromOne * 0.6) // averaging cuts Poisson noise by about √8
    expect(fromEight).toBeLessThan(1.2) // arrivals per hour, where weekday hours carry 10–22
    const weekly = seasonalMean(weeks).reduce((a, b) => a + b, 0)
    const truth = Array.from({ length: hoursPerWeek }, (_, hour) => pattern(hour)).reduce((a, b) => a + b, 0)
    expect(Math.abs(weekly - truth) / truth).toBeLessThan(0.03)
  })

  it('scores itself on held-back weeks and beats "same hour last week"', () => {
    const scores = backtest(history(6, 11), 2)!
    expect(scores.model.weeks).toBe(2)
    expect(scores.model.meanAbsoluteError).toBeLessThan(scores.baseline.meanAbsoluteError)
    expect(scores.model.weightedPercentageError!).toBeLessThan(0.35)
    expect(backtest(history(1, 3))).toBeNull() // one week: nothing to hold back
  })

  it('spreads e-mail work over the first-response window and staffs calls by Erlang C', () => {
    const settings = {
      productiveShare: 0.75,
      async: { handlingMinutes: 10, firstResponseHours: 4 },
      sync: { handlingSeconds: 180, targetAnswerSeconds: 20, targetServiceLevel: 0.8 },
    }
    const none = new Array<number>(hoursPerWeek).fill(0)
    // 60 e-mails at Monday 9:00 are 10 agent hours, done within 4 hours: 2.5 an hour, 3.33 paid agents, so 4.
    const mails = agentsPerHour(
      none.map((_, hour) => (hour === 9 ? 60 : 0)),
      none,
      settings,
    )
    expect(mails.slice(8, 14)).toEqual([0, 4, 4, 4, 4, 0])
    // Sunday 23:00 wraps into Monday morning.
    expect(
      agentsPerHour(
        none.map((_, hour) => (hour === 167 ? 60 : 0)),
        none,
        settings,
      ).slice(0, 4),
    ).toEqual([4, 4, 4, 0])
    // 100 calls of 180 s with 80 % in 20 s: 8 on the phones, 8 / 0.75 = 10.67, so 11 paid agents.
    const calls = agentsPerHour(
      none,
      none.map((_, hour) => (hour === 10 ? 100 : 0)),
      settings,
    )
    expect(calls[10]).toBe(11)
    expect(calls.filter((agents) => agents > 0)).toHaveLength(1)
    expect(agentsPerHour(none, none, defaultStaffingSettings.technical).every((agents) => agents === 0)).toBe(true)
  })
})
