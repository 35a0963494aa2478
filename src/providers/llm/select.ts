import type { Clock } from '../../clock.js'
import type { Config } from '../../config.js'
import type { Logger } from '../../logger.js'
import { createCircuitBreaker } from './circuit-breaker.js'
import type { Llm } from './llm.js'
import { createOpenAIChat } from './openai-chat.js'

/**
 * The configured chat model behind a circuit breaker: after 5 failures within a minute it stops calling
 * for 30 s, so an outage costs one timeout per half-minute instead of one per inquiry.
 */
export function selectLlm(config: Config, clock: Clock, logger: Logger): Llm | undefined {
  if (!config.llm.enabled || !config.openai.apiKey) return undefined
  const chat = createOpenAIChat({
    apiKey: config.openai.apiKey,
    model: config.openai.chatModel,
    timeoutMs: config.llm.timeoutMs,
    maxRetries: Math.min(config.openai.maxRetries, 2),
    ...(config.openai.baseUrl ? { baseURL: config.openai.baseUrl } : {}),
  })
  return createCircuitBreaker(chat, {
    failureThreshold: 5,
    windowMs: 60_000,
    coolDownMs: 30_000,
    clock,
    onStateChange: (state) => logger.warn({ llm: chat.id, state }, 'LLM circuit breaker changed state'),
  })
}
