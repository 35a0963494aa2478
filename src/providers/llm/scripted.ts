import { LlmError, parseModelOutput, type Llm, type LlmRequest } from './llm.js'

/**
 * One scripted answer: a string is the model's raw message content (so malformed JSON can be scripted),
 * an Error is thrown, a function answers from the request, anything else is the JSON value answered.
 */
export type ScriptedAnswer = string | Error | object | number | boolean | null | ((request: LlmRequest<unknown>) => unknown)

export interface ScriptedLlmOptions {
  /** Default 'scripted:offline'. */
  id?: string
  /** Used in order, one per call. */
  answers?: ScriptedAnswer[]
  /** Answers every call once the queue is empty; without it an empty queue is an `unavailable` error. */
  fallback?: (request: LlmRequest<unknown>) => unknown
}

/** A deterministic offline Llm for tests and development; it keeps every request it was given. */
export interface ScriptedLlm extends Llm {
  readonly requests: Array<LlmRequest<unknown>>
  push(...answers: ScriptedAnswer[]): void
}

/**
 * Answers pass through the same JSON parsing and schema check as a real model's, so code under test
 * meets invalid_output exactly as it would in production.
 */
export function createScriptedLlm(options: ScriptedLlmOptions = {}): ScriptedLlm {
  const queue = [...(options.answers ?? [])]
  const requests: Array<LlmRequest<unknown>> = []
  const id = options.id ?? 'scripted:offline'

  const next = (request: LlmRequest<unknown>): unknown => {
    if (queue.length > 0) {
      const answer = queue.shift()
      return typeof answer === 'function' ? answer(request) : answer
    }
    if (options.fallback) return options.fallback(request)
    throw new LlmError('unavailable', `${id}: no scripted answer left`)
  }

  return {
    id,
    requests,
    push: (...answers) => void queue.push(...answers),
    async complete<T>(request: LlmRequest<T>): Promise<T> {
      request.signal?.throwIfAborted()
      requests.push(request as LlmRequest<unknown>)
      const answer = await next(request as LlmRequest<unknown>)
      if (answer instanceof Error) throw answer
      const content = typeof answer === 'string' ? answer : (JSON.stringify(answer) ?? '')
      return parseModelOutput(content, request.schema, request.schemaName)
    },
  }
}
