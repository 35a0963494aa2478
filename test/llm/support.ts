import { expect } from 'vitest'
import type { FakeOpenAI, RecordedRequest } from '../helpers/fake-openai.js'

export const apiKey = 'sk-test-llm-7c1e9a2b'

/** A clock that only moves when told to, for the circuit breaker. */
export function manualClock(start = Date.UTC(2025, 0, 1)) {
  let now = start
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) }
}

/** The error a promise rejects with; fails the test if it resolves. */
export function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  )
}

/** The server is shared by a file's tests; each test looks only at the requests made since it began. */
export function requestsSince(server: FakeOpenAI) {
  const start = server.requests.length
  return () => server.requests.slice(start)
}

/** The system and user messages of a recorded chat request. */
export function messagesOf(request: RecordedRequest): { system: string; user: string } {
  const messages = request.body.messages as Array<{ role: string; content: string }>
  return { system: messages.find((m) => m.role === 'system')!.content, user: messages.find((m) => m.role === 'user')!.content }
}

/** A chat reply whose content is `value` as JSON, the way a structured-output model answers. */
export const json = (value: unknown) => JSON.stringify(value)
