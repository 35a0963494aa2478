import { keyScrubber, openOpenAIClient, withRetries, type OpenAIClient, type OpenAIModule, type ProviderFailure } from '../openai-http.js'
import { LlmError, parseModelOutput, type Llm, type LlmErrorKind, type LlmRequest } from './llm.js'

/** Settings for chat completions on OpenAI or any compatible server (Ollama, vLLM, Azure) via `baseURL`. */
export interface OpenAIChatOptions {
  apiKey: string
  baseURL?: string
  model: string
  /** Per attempt; the worst case is about (maxRetries + 1) × timeoutMs plus the waits between. */
  timeoutMs: number
  maxRetries: number
  /** Sent only when set: some models (o-series, gpt-5) refuse any temperature but their default. */
  temperature?: number
  fetch?: typeof fetch
}

type ZodHelpers = typeof import('openai/helpers/zod')
type ResponseFormat = ReturnType<ZodHelpers['zodResponseFormat']>
interface Loaded {
  sdk: OpenAIModule
  client: OpenAIClient
  helpers: ZodHelpers
}

const defaultMaxTokens = 1024

/**
 * Chat completions with structured outputs: the zod schema goes out as a strict `json_schema` response
 * format, and the answer comes back through the same schema, because compatible servers (and models
 * under pressure) do not always honour the format. Everything that goes wrong becomes an LlmError,
 * except the caller's own abort, which rethrows their reason.
 */
export function createOpenAIChat(options: OpenAIChatOptions): Llm {
  if (!options.apiKey) throw new TypeError('createOpenAIChat: apiKey is required')
  if (!options.model) throw new TypeError('createOpenAIChat: model is required')
  const scrub = keyScrubber(options.apiKey)
  // Converting a schema walks it; prompts reuse a handful of schemas, so convert each once.
  const formats = new WeakMap<object, ResponseFormat>()
  let loaded: Promise<Loaded> | undefined

  const load = async (): Promise<Loaded> => {
    const [{ sdk, client }, helpers] = await Promise.all([openOpenAIClient(options), import('openai/helpers/zod')])
    return { sdk, client, helpers }
  }
  const formatOf = (helpers: ZodHelpers, request: LlmRequest<unknown>) => {
    let format = formats.get(request.schema)
    if (!format) formats.set(request.schema, (format = helpers.zodResponseFormat(request.schema, request.schemaName)))
    return format
  }

  return {
    id: `openai:${options.model}`,
    async complete<T>(request: LlmRequest<T>): Promise<T> {
      request.signal?.throwIfAborted()
      loaded ??= load()
      const { sdk, client, helpers } = await loaded
      const body = {
        model: options.model,
        messages: [
          { role: 'system' as const, content: request.system },
          { role: 'user' as const, content: request.user },
        ],
        response_format: formatOf(helpers, request as LlmRequest<unknown>),
        ...tokenLimit(options.baseURL, request.maxTokens ?? defaultMaxTokens),
        ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      }
      const policy = { sdk, signal: request.signal, timeoutMs: options.timeoutMs, maxRetries: options.maxRetries, scrub }
      const completion = await withRetries((signal) => client.chat.completions.create(body, { signal }), policy, toLlmError)
      return parseModelOutput(contentOf(completion, request.schemaName), request.schema, request.schemaName)
    },
  }
}

// OpenAI's newer models refuse max_tokens; the compatible servers (Ollama, vLLM, llama.cpp) know only max_tokens.
function tokenLimit(baseURL: string | undefined, maxTokens: number) {
  return baseURL === undefined ? { max_completion_tokens: maxTokens } : { max_tokens: maxTokens }
}

/** The first choice's content, or invalid_output when the model refused, was cut off, or said nothing. */
function contentOf(completion: unknown, schemaName: string): string {
  const choice = (completion as { choices?: Array<{ message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown }> } | null)
    ?.choices?.[0]
  const invalid = (why: string) => new LlmError('invalid_output', `model answer for ${schemaName} ${why}`)
  if (!choice) throw invalid('has no choices')
  if (typeof choice.message?.refusal === 'string' && choice.message.refusal) throw invalid('is a refusal')
  // A truncated JSON document might still parse (e.g. a cut-off array); it is not what the model meant.
  if (choice.finish_reason === 'length') throw invalid('was cut off at the token limit')
  if (choice.finish_reason === 'content_filter') throw invalid('was withheld by the content filter')
  if (typeof choice.message?.content !== 'string' || !choice.message.content.trim()) throw invalid('is empty')
  return choice.message.content
}

function toLlmError(failure: ProviderFailure): LlmError {
  const { message, status, attempts, refusedWaitMs, cause } = failure
  const why = refusedWaitMs !== undefined ? `; server asked to wait ${Math.round(refusedWaitMs / 1000)} s` : ''
  const text = `OpenAI chat ${message}${why} (${attempts} attempt${attempts > 1 ? 's' : ''})`
  return new LlmError(kindOf(failure), text, { cause, attempts, ...(status !== undefined ? { status } : {}) })
}

function kindOf(failure: ProviderFailure): LlmErrorKind {
  if (failure.kind === 'timeout') return 'timeout'
  if (failure.status === 429) return 'rate_limited'
  // A 200 whose body is not JSON: the server answered, just not anything we can read.
  if (failure.kind === 'unreadable') return 'invalid_output'
  return 'unavailable'
}
