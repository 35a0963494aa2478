import { describe, expect, it } from 'vitest'
import { agentsNeeded, ErlangCInputSchema, maxAgents, probabilityOfWaiting, queueFigures } from '../../src/staffing/erlang-c.js'
import { AppError } from '../../src/errors.js'

describe('Erlang C', () => {
  it('matches the closed forms of one and two agents', () => {
    // M/M/1: everyone waits with the probability of the agent being busy, ρ = A.
    for (const traffic of [0.1, 0.5, 0.9]) expect(probabilityOfWaiting(traffic, 1)).toBeCloseTo(traffic, 12)
    // M/M/2: C(2, A) = A² / (2 + A).
    for (const traffic of [0.2, 1, 1.8]) expect(probabilityOfWaiting(traffic, 2)).toBeCloseTo(traffic ** 2 / (2 + traffic), 12)
    // M/M/1 waiting time: ρ·h / (1 − ρ).
    const single = queueFigures({ arrivalsPerHour: 30, handlingSeconds: 60, targetAnswerSeconds: 0 }, 1)
    expect(single.averageSpeedOfAnswerSeconds).toBeCloseTo((0.5 * 60) / 0.5, 9)
    expect(single.serviceLevel).toBeCloseTo(0.5, 12) // answered at once = not waiting
  })

  it('staffs the textbook case: 100 calls an hour of 180 s, 80 % in 20 s, needs 8 agents at about 88 %', () => {
    const result = agentsNeeded({ arrivalsPerHour: 100, handlingSeconds: 180, targetAnswerSeconds: 20, targetServiceLevel: 0.8 })
    expect(result).toMatchObject({ agents: 8, trafficErlangs: 5, occupancy: 0.625 })
    expect(result.serviceLevel).toBeCloseTo(0.88, 2)
    expect(result.probabilityOfWaiting).toBeCloseTo(0.167, 3)
    expect(result.averageSpeedOfAnswerSeconds).toBeCloseTo(10.0, 1)
    // One agent fewer misses the target: 7 answer only about 74 % in time.
    expect(queueFigures({ arrivalsPerHour: 100, handlingSeconds: 180, targetAnswerSeconds: 20 }, 7).serviceLevel).toBeCloseTo(0.74, 2)
  })

  it('stays exact for large centres, where A^N / N! would overflow', () => {
    const result = agentsNeeded({ arrivalsPerHour: 12_000, handlingSeconds: 300, targetAnswerSeconds: 20, targetServiceLevel: 0.9 })
    expect(result.trafficErlangs).toBe(1000)
    expect(result.agents).toBeGreaterThan(1000)
    expect(result.agents).toBeLessThan(1060)
    expect(Number.isFinite(result.probabilityOfWaiting)).toBe(true)
    const fewer = queueFigures({ arrivalsPerHour: 12_000, handlingSeconds: 300, targetAnswerSeconds: 20 }, result.agents - 1)
    expect(fewer.serviceLevel).toBeLessThan(0.9)
  })

  it('needs more agents for a stricter target and nobody for no arrivals', () => {
    const base = { arrivalsPerHour: 100, handlingSeconds: 180, targetAnswerSeconds: 20 }
    const levels = [0.5, 0.8, 0.9, 0.95, 0.99].map((targetServiceLevel) => agentsNeeded({ ...base, targetServiceLevel }).agents)
    expect(levels).toEqual([...levels].sort((a, b) => a - b))
    expect(levels[0]).toBeLessThan(levels[4]!)
    expect(agentsNeeded({ ...base, arrivalsPerHour: 0, targetServiceLevel: 0.8 })).toMatchObject({ agents: 0, serviceLevel: 1 })
  })

  it('refuses a load it cannot staff, naming the field, instead of searching for ever', () => {
    const attempt = () =>
      agentsNeeded({ arrivalsPerHour: 1_000_000, handlingSeconds: 3600, targetAnswerSeconds: 20, targetServiceLevel: 0.8 })
    expect(attempt).toThrow(AppError)
    expect(attempt).toThrow(`more than ${maxAgents} agents`)
  })

  it('refuses handling times of 0, service levels outside (0, 1) and unknown fields', () => {
    const good = { arrivalsPerHour: 100, handlingSeconds: 180, targetAnswerSeconds: 20, targetServiceLevel: 0.8 }
    expect(ErlangCInputSchema.safeParse(good).success).toBe(true)
    for (const [patch, field] of [
      [{ handlingSeconds: 0 }, 'handlingSeconds'],
      [{ handlingSeconds: -5 }, 'handlingSeconds'],
      [{ targetServiceLevel: 1 }, 'targetServiceLevel'],
      [{ targetServiceLevel: 0 }, 'targetServiceLevel'],
      [{ arrivalsPerHour: -1 }, 'arrivalsPerHour'],
      [{ targetAnswerSeconds: '20' }, 'targetAnswerSeconds'],
    ] as const) {
      const parsed = ErlangCInputSchema.safeParse({ ...good, ...patch })
      expect(parsed.success, JSON.stringify(patch)).toBe(false)
      expect(parsed.error!.issues[0]!.path).toEqual([field])
    }
    expect(ErlangCInputSchema.safeParse({ ...good, shrinkage: 0.3 }).success).toBe(false)
  })
})
