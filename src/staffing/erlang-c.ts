import { z } from 'zod'
import { AppError } from '../errors.js'

/**
 * Erlang C: how many agents a queue of calls or chats needs so that a share of them is answered within
 * a target time. Calls arrive at random (Poisson), handling times are exponential, nobody hangs up: the
 * M/M/N queue behind every staffing table. It ignores abandonment, so it errs towards more agents.
 */

/** The most agents the calculator looks for; a load needing more is refused rather than searched for ever. */
export const maxAgents = 5000

export const ErlangCInputSchema = z
  .object({
    arrivalsPerHour: z.number().min(0).max(1_000_000).meta({ description: 'Calls or chats arriving per hour' }),
    handlingSeconds: z
      .number()
      .gt(0, 'must be greater than 0')
      .max(86_400)
      .meta({ description: 'Average handling time, talk plus wrap-up' }),
    targetAnswerSeconds: z.number().min(0).max(86_400).meta({ description: 'Answered within this many seconds counts as met' }),
    targetServiceLevel: z
      .number()
      .gt(0, 'must be greater than 0')
      .lt(1, 'must be less than 1')
      .meta({ description: 'Share to answer within the target time, e.g. 0.8 for 80 %' }),
  })
  .strict()
  .meta({ id: 'ErlangCInput' })

export type ErlangCInput = z.infer<typeof ErlangCInputSchema>

export interface QueueFigures {
  agents: number
  /** Share answered within the target time. */
  serviceLevel: number
  /** Share that has to wait at all (the Erlang C formula itself). */
  probabilityOfWaiting: number
  averageSpeedOfAnswerSeconds: number
  /** Share of the agents' time spent handling. */
  occupancy: number
}

export const ErlangCResultSchema = z
  .object({
    agents: z.number().int(),
    serviceLevel: z.number(),
    probabilityOfWaiting: z.number(),
    averageSpeedOfAnswerSeconds: z.number(),
    occupancy: z.number(),
    trafficErlangs: z.number().meta({ description: 'Offered load: arrivals per second times handling seconds' }),
  })
  .meta({ id: 'ErlangCResult' })

export type ErlangCResult = z.infer<typeof ErlangCResultSchema>

/**
 * The probability that a contact waits, with `agents` agents and `traffic` Erlangs offered. Computed from
 * Erlang B by its recursion, which stays exact where A^N / N! overflows (hundreds of agents).
 */
export function probabilityOfWaiting(traffic: number, agents: number): number {
  if (agents <= traffic) return 1 // the queue grows without bound: everyone waits
  let blocking = 1
  for (let k = 1; k <= agents; k++) blocking = (traffic * blocking) / (k + traffic * blocking)
  return (agents * blocking) / (agents - traffic * (1 - blocking))
}

/** Service level, speed of answer and occupancy of `agents` agents under the input's load. */
export function queueFigures(input: Omit<ErlangCInput, 'targetServiceLevel'>, agents: number): QueueFigures {
  const traffic = (input.arrivalsPerHour * input.handlingSeconds) / 3600
  if (traffic === 0) return { agents, serviceLevel: 1, probabilityOfWaiting: 0, averageSpeedOfAnswerSeconds: 0, occupancy: 0 }
  if (agents <= traffic)
    return { agents, serviceLevel: 0, probabilityOfWaiting: 1, averageSpeedOfAnswerSeconds: Number.POSITIVE_INFINITY, occupancy: 1 }
  const waiting = probabilityOfWaiting(traffic, agents)
  return {
    agents,
    serviceLevel: 1 - waiting * Math.exp((-(agents - traffic) * input.targetAnswerSeconds) / input.handlingSeconds),
    probabilityOfWaiting: waiting,
    averageSpeedOfAnswerSeconds: (waiting * input.handlingSeconds) / (agents - traffic),
    occupancy: traffic / agents,
  }
}

/**
 * The fewest agents that meet the service level. Starts just above the offered load (fewer agents can
 * never keep up) and counts up; service level rises with every agent, so the first that meets it is the answer.
 */
export function agentsNeeded(input: ErlangCInput): ErlangCResult {
  const traffic = (input.arrivalsPerHour * input.handlingSeconds) / 3600
  const round = (value: number) => Math.round(value * 10_000) / 10_000
  const result = (figures: QueueFigures) => ({
    agents: figures.agents,
    serviceLevel: round(figures.serviceLevel),
    probabilityOfWaiting: round(figures.probabilityOfWaiting),
    averageSpeedOfAnswerSeconds: round(figures.averageSpeedOfAnswerSeconds),
    occupancy: round(figures.occupancy),
    trafficErlangs: round(traffic),
  })
  if (traffic === 0) return result(queueFigures(input, 0))
  if (traffic >= maxAgents)
    throw tooMuch(`The load of ${traffic.toFixed(1)} Erlangs needs more than ${maxAgents} agents, the most this calculator staffs.`)
  for (let agents = Math.floor(traffic) + 1; agents <= maxAgents; agents++) {
    const figures = queueFigures(input, agents)
    if (figures.serviceLevel >= input.targetServiceLevel) return result(figures)
  }
  throw tooMuch(`No number of agents up to ${maxAgents} answers ${input.targetServiceLevel * 100} % within ${input.targetAnswerSeconds} s.`)
}

function tooMuch(message: string): AppError {
  return new AppError('validation_failed', message, { errors: [{ field: 'arrivalsPerHour', message }] })
}
