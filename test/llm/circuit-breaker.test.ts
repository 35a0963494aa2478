import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createCircuitBreaker, type BreakerState } from '../../src/providers/llm/circuit-breaker.js'
import { LlmError, type LlmRequest } from '../../src/providers/llm/llm.js'
import { createScriptedLlm } from '../../src/providers/llm/scripted.js'
import { manualClock } from './support.js'

const schema = z.object({ ok: z.boolean() })
const request: LlmRequest<{ ok: boolean }> = { system: 's', user: 'u', schema, schemaName: 'ok' }
const down = () => new LlmError('unavailable', 'scripted 503', { status: 503 })

function setup(options: { answers?: unknown[] } = {}) {
  const clock = manualClock()
  const llm = createScriptedLlm({ answers: (options.answers ?? []) as never[] })
  const states: BreakerState[] = []
  const breaker = createCircuitBreaker(llm, {
    failureThreshold: 3,
    windowMs: 60_000,
    coolDownMs: 30_000,
    clock,
    onStateChange: (state) => states.push(state),
  })
  const call = () =>
    breaker.complete(request).then(
      (value) => value,
      (error: unknown) => error as LlmError,
    )
  return { clock, llm, breaker, states, call }
}

describe('createCircuitBreaker', () => {
  it('opens after N consecutive failures and then fails fast without calling the model', async () => {
    const { llm, breaker, call, states } = setup({ answers: [down(), down(), down()] })
    for (let index = 0; index < 3; index++) expect(await call()).toMatchObject({ kind: 'unavailable' })
    expect(breaker.state).toBe('open')
    expect(await call()).toMatchObject({ kind: 'circuit_open', message: expect.stringContaining('next try in 30 s') })
    expect(llm.requests).toHaveLength(3)
    expect(states).toEqual(['open'])
    expect(breaker.id).toBe(llm.id)
  })

  it('forgets failures older than the window and resets on success', async () => {
    const { clock, breaker, call } = setup({ answers: [down(), down(), down(), down(), down()] })
    await call()
    await call()
    clock.advance(61_000)
    await call()
    expect(breaker.state).toBe('closed') // three in a row, but two fell out of the window
    await call()
    await call()
    expect(breaker.state).toBe('open')

    const other = setup({ answers: [down(), down(), { ok: true }, down(), down()] })
    for (let index = 0; index < 5; index++) await other.call()
    expect(other.breaker.state).toBe('closed') // the success in the middle broke the run
  })

  it('lets one probe through after the cool-down; success closes the circuit', async () => {
    const { clock, llm, breaker, call, states } = setup({ answers: [down(), down(), down()] })
    for (let index = 0; index < 3; index++) await call()
    clock.advance(30_000)
    expect(breaker.state).toBe('half-open')
    let release!: () => void
    llm.push(() => new Promise((resolve) => (release = () => resolve({ ok: true }))))
    const probe = breaker.complete(request)
    // While the probe is out, everyone else still fails fast.
    expect(await call()).toMatchObject({ kind: 'circuit_open', message: expect.stringContaining('probe') })
    release()
    expect(await probe).toEqual({ ok: true })
    expect(breaker.state).toBe('closed')
    expect(states).toEqual(['open', 'half-open', 'closed'])
  })

  it('reopens for another cool-down when the probe fails', async () => {
    const { clock, breaker, call } = setup({ answers: [down(), down(), down(), down()] })
    for (let index = 0; index < 3; index++) await call()
    clock.advance(30_000)
    expect(await call()).toMatchObject({ kind: 'unavailable' })
    expect(breaker.state).toBe('open')
    clock.advance(29_000)
    expect(await call()).toMatchObject({ kind: 'circuit_open' })
    clock.advance(1_000)
    expect(breaker.state).toBe('half-open')
  })

  it('does not count invalid output (the server answered) nor the caller aborting', async () => {
    const invalid = new LlmError('invalid_output', 'bad JSON')
    const { breaker, call, llm } = setup({ answers: [down(), down(), invalid, down(), down()] })
    for (let index = 0; index < 5; index++) await call()
    expect(breaker.state).toBe('closed')

    const controller = new AbortController()
    llm.push(() => {
      controller.abort()
      throw controller.signal.reason
    })
    await expect(breaker.complete({ ...request, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
    llm.push(down())
    await call()
    expect(breaker.state).toBe('open') // the abort neither broke nor extended the run
  })
})

describe('createScriptedLlm', () => {
  it('answers from its queue, then its fallback, through the same parsing as a real model', async () => {
    const llm = createScriptedLlm({
      answers: [{ ok: true }, '{"ok": false}', (r) => ({ ok: r.user === 'u' })],
      fallback: () => ({ ok: true }),
    })
    expect(await llm.complete(request)).toEqual({ ok: true })
    expect(await llm.complete(request)).toEqual({ ok: false })
    expect(await llm.complete(request)).toEqual({ ok: true })
    expect(await llm.complete(request)).toEqual({ ok: true })
    expect(llm.requests).toHaveLength(4)
    expect(llm.id).toBe('scripted:offline')
  })

  it('turns malformed and mismatched answers into invalid_output and an empty queue into unavailable', async () => {
    const llm = createScriptedLlm({ answers: ['{"ok": tru', { ok: 'yes' }, new LlmError('timeout', 'scripted')] })
    await expect(llm.complete(request)).rejects.toMatchObject({ kind: 'invalid_output', message: expect.stringContaining('not JSON') })
    await expect(llm.complete(request)).rejects.toMatchObject({ kind: 'invalid_output', message: expect.stringContaining('ok:') })
    await expect(llm.complete(request)).rejects.toMatchObject({ kind: 'timeout' })
    await expect(llm.complete(request)).rejects.toMatchObject({ kind: 'unavailable' })
  })
})
