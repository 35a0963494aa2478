/**
 * Arrivals per hour of the coming week from the last weeks' arrivals: the seasonal hour-of-week mean.
 * Customer-service traffic repeats by weekday and hour far more than it trends week to week, so each of
 * the 168 hours of the week is forecast as the mean of the same hour over the history; averaging several
 * weeks damps one unusual week (a holiday, an outage) that the plain "same hour last week" copies.
 */

export const hoursPerWeek = 168

/** `weeks[w][h]`: arrivals in hour h (0 = Monday 00:00–01:00) of history week w, oldest week first. */
export type WeeklyHistory = ReadonlyArray<ReadonlyArray<number>>

/** The mean of each hour of the week over the given weeks; zeros when there are none. */
export function seasonalMean(weeks: WeeklyHistory): number[] {
  const forecast = new Array<number>(hoursPerWeek).fill(0)
  if (weeks.length === 0) return forecast
  for (const week of weeks) for (let hour = 0; hour < hoursPerWeek; hour++) forecast[hour]! += (week[hour] ?? 0) / weeks.length
  return forecast
}

export interface BacktestScores {
  /** Held-back weeks the score is over (each forecast from the weeks before it). */
  weeks: number
  /** Mean absolute error per hour, in arrivals. */
  meanAbsoluteError: number
  /** Weighted absolute percentage error: Σ|forecast − actual| ÷ Σ actual over all held-back hours. */
  weightedPercentageError: number | null
}

/**
 * How the model would have done: each of the last `heldBack` weeks is forecast from the weeks before it
 * (at least one), and compared hour by hour. `baseline` scores "same hour last week" the same way, so a
 * reader sees whether averaging helped.
 */
export function backtest(weeks: WeeklyHistory, heldBack = 2): { model: BacktestScores; baseline: BacktestScores } | null {
  const tested = Math.min(heldBack, weeks.length - 1)
  if (tested < 1) return null
  const score = (predict: (before: WeeklyHistory) => number[]): BacktestScores => {
    let absolute = 0
    let actualTotal = 0
    for (let index = weeks.length - tested; index < weeks.length; index++) {
      const forecast = predict(weeks.slice(0, index))
      for (let hour = 0; hour < hoursPerWeek; hour++) {
        const actual = weeks[index]![hour] ?? 0
        absolute += Math.abs(forecast[hour]! - actual)
        actualTotal += actual
      }
    }
    return {
      weeks: tested,
      meanAbsoluteError: absolute / (tested * hoursPerWeek),
      weightedPercentageError: actualTotal > 0 ? absolute / actualTotal : null,
    }
  }
  return { model: score(seasonalMean), baseline: score((before) => seasonalMean(before.slice(-1))) }
}
