import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createCircuitBreaker } from '../../src/providers/llm/circuit-breaker.js'
import { LlmError } from '../../src/providers/llm/llm.js'
import { createOpenAIChat, type OpenAIChatOptions } from '../../src/providers/llm/openai-chat.js'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js'
import { apiKey, json, manualClock, rejection, requestsSince } from './support.js'

const schema = z.object({ department: z.enum(['technical', 'commercial']), confidence: z.number().min(0).max(1) })
const request = { system: 'You route inquiries.', user: 'Die Waschmaschine zeigt E18.', schema, schemaName: 'department' }

describe('createOpenAIChat against the fake OpenAI server', () => {
  let server: FakeOpenAI
  beforeAll(async () => {
    server = await startFakeOpenAI()
  })
  afterAll(async () => server.close())
  const chat = (options: Partial<OpenAIChatOptions> = {}) =>
    createOpenAIChat({ apiKey, baseURL: server.url, model: 'gpt-4o-mini', timeoutMs: 2_000, maxRetries: 2, ...options })

  it('sends a strict json_schema response format and returns the validated answer', async () => {
    const sent = requestsSince(server)
    server.scriptChat(json({ department: 'technical', confidence: 0.9 }))
    const llm = chat()
    expect(llm.id).toBe('openai:gpt-4o-mini')
    expect(await llm.complete({ ...request, maxTokens: 200 })).toEqual({ department: 'technical', confidence: 0.9 })
    const [call] = sent()
    expect(call!.route).toBe('chat')
    expect(call!.headers.authorization).toBe(`Bearer ${apiKey}`)
    expect(call!.body).toMatchObject({
      model: 'gpt-4o-mini',
      max_tokens: 200, // a custom baseURL means a compatible server, which knows max_tokens
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: request.user },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'department',
          strict: true,
          schema: {
            type: 'object',
            required: ['department', 'confidence'],
            additionalProperties: false,
            properties: { department: { enum: ['technical', 'commercial'] } },
          },
        },
      },
    })
    expect(call!.body.temperature).toBeUndefined()
  })

  it('talks to api.openai.com through an injected fetch, asking with max_completion_tokens', async () => {
    const sent = requestsSince(server)
    const redirect: typeof fetch = (input, init) => fetch(String(input).replace('https://api.openai.com/v1', server.url), init)
    server.scriptChat(json({ department: 'commercial', confidence: 0.4 }))
    const llm = createOpenAIChat({ apiKey, model: 'gpt-4o-mini', timeoutMs: 2_000, maxRetries: 0, temperature: 0, fetch: redirect })
    expect(await llm.complete(request)).toEqual({ department: 'commercial', confidence: 0.4 })
    expect(sent()[0]!.body).toMatchObject({ max_completion_tokens: 1024, temperature: 0 })
    expect(sent()[0]!.body.max_tokens).toBeUndefined()
  })

  it('waits the Retry-After of a 429, then succeeds', async () => {
    const sent = requestsSince(server)
    server.fail({ kind: 'rate-limit', retryAfterSeconds: 1 }, { route: 'chat' })
    server.scriptChat(json({ department: 'commercial', confidence: 0.6 }))
    expect(await chat().complete(request)).toEqual({ department: 'commercial', confidence: 0.6 })
    const [first, second] = sent()
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950)
  })

  it('reports persistent 429s as rate_limited, keeping the status and attempts', async () => {
    server.fail({ kind: 'rate-limit', retryAfterMs: 10 }, { route: 'chat', times: 2 })
    const error = await rejection(chat({ maxRetries: 1 }).complete(request))
    expect(error).toBeInstanceOf(LlmError)
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, attempts: 2 })
    expect(error.cause).toBeDefined()
  })

  it('times a hanging request out within timeoutMs', async () => {
    server.fail({ kind: 'hang' }, { route: 'chat' })
    const started = performance.now()
    const error = await rejection(chat({ timeoutMs: 300, maxRetries: 0 }).complete(request))
    expect(performance.now() - started).toBeLessThan(10_000) // the alternative is forever; generous for a busy machine
    expect(error).toMatchObject({ kind: 'timeout', message: expect.stringContaining('timed out after 300 ms') })
  })

  it('turns an unparsable response body into invalid_output without retrying', async () => {
    const sent = requestsSince(server)
    server.fail({ kind: 'malformed' }, { route: 'chat' })
    expect(await rejection(chat().complete(request))).toMatchObject({ kind: 'invalid_output' })
    expect(sent()).toHaveLength(1)
  })

  it('turns malformed JSON content, schema mismatches, refusals and cut-off answers into invalid_output', async () => {
    server.scriptChat(
      'Sure! Here is the JSON: {"department": "technical"',
      json({ department: 'sales', confidence: 2 }),
      { content: null, refusal: 'I cannot help with that.' },
      { content: json({ department: 'technical', confidence: 0.5 }), finishReason: 'length' },
    )
    const llm = chat()
    const errors = [
      await rejection(llm.complete(request)),
      await rejection(llm.complete(request)),
      await rejection(llm.complete(request)),
      await rejection(llm.complete(request)),
    ]
    errors.forEach((error) => expect(error).toBeInstanceOf(LlmError))
    expect(errors.map((error) => error.kind)).toEqual(['invalid_output', 'invalid_output', 'invalid_output', 'invalid_output'])
    expect(errors[0].message).toContain('not JSON')
    expect(errors[1].message).toMatch(/department: .*; confidence: /)
    expect(errors[1].message).not.toContain('sales') // model output stays out of messages (and logs)
    expect(errors[2].message).toContain('refusal')
    expect(errors[3].message).toContain('cut off')
  })

  it('maps a 401 to unavailable without leaking the API key', async () => {
    server.fail({ kind: 'status', status: 401, message: `Incorrect API key provided: ${apiKey}` }, { route: 'chat' })
    const error = await rejection(chat().complete(request))
    expect(error).toMatchObject({ kind: 'unavailable', status: 401, attempts: 1 })
    expect(error.message).not.toContain(apiKey)
  })

  it('hands back the caller’s abort reason, not an LlmError', async () => {
    server.fail({ kind: 'hang' }, { route: 'chat' })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    await expect(chat().complete({ ...request, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('opens the circuit after repeated 500s, fails fast without reaching the server, and probes after the cool-down', async () => {
    const sent = requestsSince(server)
    const clock = manualClock()
    const llm = createCircuitBreaker(chat({ maxRetries: 0 }), { failureThreshold: 3, windowMs: 60_000, coolDownMs: 30_000, clock })
    server.fail({ kind: 'status', status: 500 }, { route: 'chat', times: 3 })
    for (let index = 0; index < 3; index++)
      expect(await rejection(llm.complete(request))).toMatchObject({ kind: 'unavailable', status: 500 })
    expect(llm.state).toBe('open')

    const started = performance.now()
    expect(await rejection(llm.complete(request))).toMatchObject({ kind: 'circuit_open' })
    expect(performance.now() - started).toBeLessThan(1_000) // no network call: the request count below is the real proof
    expect(sent()).toHaveLength(3)

    clock.advance(30_000)
    expect(llm.state).toBe('half-open')
    server.scriptChat(json({ department: 'technical', confidence: 0.7 }))
    expect(await llm.complete(request)).toEqual({ department: 'technical', confidence: 0.7 })
    expect(llm.state).toBe('closed')
    expect(sent()).toHaveLength(4)
  })
})
