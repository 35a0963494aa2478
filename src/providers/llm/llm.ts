import type { z } from 'zod'
import { withoutNulDeep } from '../../storage/nul.js'

/** One structured-output call: the model must answer JSON that `schema` accepts. */
export interface LlmRequest<T> {
  system: string
  user: string
  schema: z.ZodType<T>
  /** Names the JSON schema sent to the server (letters, digits, _ and -). */
  schemaName: string
  signal?: AbortSignal
  maxTokens?: number
}

/** A chat model that answers with validated, typed JSON or throws an LlmError. */
export interface Llm {
  /** Stored with every result it produced, e.g. 'openai:gpt-4o-mini'. */
  readonly id: string
  complete<T>(request: LlmRequest<T>): Promise<T>
}

/**
 * Every way an LLM call can fail, closed so callers can decide per kind (rules take over for all of them):
 * - timeout: no answer within the time allowed, after retries;
 * - rate_limited: the server kept answering 429, or asked for a wait too long to sit out;
 * - unavailable: 5xx, connection failures, and refusals of our request (401, 404, 400);
 * - invalid_output: the server answered, but not JSON our schema (or our checks) accept;
 * - circuit_open: not tried at all, because recent calls failed.
 */
export type LlmErrorKind = 'timeout' | 'rate_limited' | 'unavailable' | 'invalid_output' | 'circuit_open'

export class LlmError extends Error {
  readonly kind: LlmErrorKind
  /** The HTTP status when there was a response. */
  readonly status: number | undefined
  readonly attempts: number

  constructor(kind: LlmErrorKind, message: string, options: { cause?: unknown; status?: number; attempts?: number } = {}) {
    super(message, { cause: options.cause })
    this.name = 'LlmError'
    this.kind = kind
    this.status = options.status
    this.attempts = options.attempts ?? 1
  }
}

/**
 * Parses a model's message content as JSON and checks it with `schema`. Shared by every Llm so that a
 * scripted answer goes through exactly the checks a real one does. The content itself stays out of the
 * error message: it may quote the inquiry, and messages end up in logs.
 */
export function parseModelOutput<T>(content: string, schema: z.ZodType<T>, schemaName: string): T {
  let json: unknown
  try {
    // A NUL in a drafted reply could not be stored with the result (storage/nul.ts).
    json = withoutNulDeep(JSON.parse(content) as unknown)
  } catch (error) {
    throw new LlmError('invalid_output', `model answer for ${schemaName} is not JSON (${content.length} characters)`, { cause: error })
  }
  const parsed = schema.safeParse(json)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
  throw new LlmError('invalid_output', `model answer does not match ${schemaName}: ${issues.join('; ')}`, { cause: parsed.error })
}
