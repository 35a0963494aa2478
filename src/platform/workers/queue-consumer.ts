// The consumer of the JOBS queue. Who counts attempts: the jobs table, not the queue. Each message names a
// job row; the consumer claims and runs it with the Node worker's code (runJobById), whose attempts,
// backoff, Retry-After and dead-lettering live in the row, as on Node, so GET /v1/jobs and the admin's
// retry see the same thing on both runtimes. The message then only follows the row: ack once the row is
// finished (done, or dead in the database's own dead letters) or gone, retry() with the delay until the
// row's run_at when the attempt failed. The queue's own max_retries and dead-letter queue catch what the
// consumer could not run at all (the database unreachable): the row stays queued there, so the cron
// re-sends it when the database is back, with a fresh message.
import { z } from 'zod'
import type { Deps } from '../../deps.js'
import type { JobHandler } from '../../jobs/run-job.js'
import { runJobById, type JobRunOutcome } from '../../jobs/run-job-by-id.js'
import type { Logger } from '../../logger.js'

/** The part of a Queues message the consumer uses. */
export interface QueueMessage {
  readonly id: string
  readonly body: unknown
  readonly attempts: number
  ack(): void
  retry(options?: { delaySeconds?: number }): void
}

/** The part of a Queues batch the consumer uses. */
export interface QueueBatch {
  readonly queue: string
  readonly messages: readonly QueueMessage[]
}

/** Ack or retry, with the reason, logged at `level`: an unknown job is worth a warning, routine work is not. */
export type MessageDecision = { level: 'debug' | 'warn'; reason: string } & ({ action: 'ack' } | { action: 'retry'; delaySeconds: number })

// The longest delay Queues accepts for a retry; a job due later is left to the cron's re-send.
const maxDelaySeconds = 12 * 3600
/** The wait before a message whose job could not be run at all is tried again. */
export const unreachableRetrySeconds = 30

const messageBody = z.object({ jobId: z.string().uuid() })

/** What to do with the message once its job ran (or could not). */
export function decideMessage(outcome: JobRunOutcome, now: Date): MessageDecision {
  switch (outcome.kind) {
    case 'missing':
      return { action: 'ack', level: 'warn', reason: 'the job no longer exists; acknowledged, not retried' }
    case 'finished':
      return { action: 'ack', level: 'debug', reason: outcome.status === 'done' ? 'job done' : 'job dead-lettered in the jobs table' }
    case 'busy':
      // A duplicate message; the claim that holds the job settles it (or the cron, if that claim dies).
      return { action: 'ack', level: 'debug', reason: 'another claim is running the job' }
    case 'later': {
      const delaySeconds = Math.max(0, Math.ceil((outcome.at.getTime() - now.getTime()) / 1000))
      const reason = outcome.failed ? 'job failed; retrying at its run_at' : 'job not due yet'
      if (delaySeconds > maxDelaySeconds)
        return { action: 'ack', level: 'debug', reason: `${reason}; too far off, the cron sends it when due` }
      return { action: 'retry', level: 'debug', delaySeconds, reason }
    }
  }
}

/**
 * Runs one message's job and acks or retries the message. `scope` runs the work with the database clients
 * of one invocation (the Worker's per-request clients); a failure there retries the message. `handlers`
 * replaces the intake handlers (tests).
 */
export async function consumeMessage(
  deps: Deps,
  message: QueueMessage,
  options: { workerId: string; scope: <T>(fn: () => Promise<T>) => Promise<T>; handlers?: Record<string, JobHandler> },
): Promise<MessageDecision> {
  const log: Logger = deps.logger.child({ messageId: message.id, messageAttempts: message.attempts })
  const body = messageBody.safeParse(message.body)
  const jobId = body.success ? body.data.jobId : undefined
  let decision: MessageDecision = { action: 'ack', level: 'warn', reason: 'the message names no job id; acknowledged, not retried' }
  if (jobId) {
    try {
      decision = decideMessage(await options.scope(() => runJobById(deps, jobId, options)), deps.clock.now())
    } catch (error) {
      const err = error instanceof Error ? error.message : String(error)
      decision = { action: 'retry', delaySeconds: unreachableRetrySeconds, level: 'warn', reason: `the job could not be run: ${err}` }
    }
  }
  if (decision.action === 'ack') message.ack()
  else message.retry({ delaySeconds: decision.delaySeconds })
  log[decision.level]({ jobId: jobId ?? null, action: decision.action }, `queue message: ${decision.reason}`)
  return decision
}
