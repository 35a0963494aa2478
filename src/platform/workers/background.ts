// The Worker's background handlers: the JOBS queue's consumer and the Cron Trigger. They share the
// isolate (deps built once) with the fetch handler, and each runs with database clients of its own.
import { runCronSweep } from '../../jobs/cron-sweep.js'
import { consumeMessage, unreachableRetrySeconds, type QueueBatch } from './queue-consumer.js'
import { createIsolateHolder, logCannotServe, runScoped, type Isolate, type WaitUntil } from './serve.js'
import type { WorkerEnv } from './worker-deps.js'

/** The part of Cloudflare's ScheduledController the Worker uses. */
export interface ScheduledEvent {
  readonly cron: string
  readonly scheduledTime: number
}

/** Throws when the isolate's start-up check failed (schema behind the bundle, say): jobs must not run then. */
function requireReady(current: Isolate): void {
  const { startup } = current.deps
  if (startup.phase !== 'ready') throw new Error(`the Worker is not ready: ${startup.detail ?? startup.phase}`)
}

/**
 * queue(batch): one message at a time, each with its own database clients (a triage opens one for its
 * transaction; a batch must not hold them all). A Worker that cannot start retries every message.
 */
export function createQueueHandler(isolates: ReturnType<typeof createIsolateHolder>) {
  return async (batch: QueueBatch, env: WorkerEnv, ctx: WaitUntil): Promise<void> => {
    let opened: Awaited<ReturnType<typeof isolates.open>>
    try {
      opened = await isolates.open(env)
    } catch (error) {
      logCannotServe(error)
      for (const message of batch.messages) message.retry({ delaySeconds: unreachableRetrySeconds })
      return
    }
    const { isolate: current, connectionString } = opened
    const workerId = `queue-${crypto.randomUUID().slice(0, 8)}`
    for (const message of batch.messages) {
      await consumeMessage(current.deps, message, {
        workerId,
        scope: (fn) =>
          runScoped(current, connectionString, ctx, async () => {
            requireReady(current)
            return fn()
          }),
      })
    }
  }
}

/** scheduled(event): retention, the weekly digest and the re-send of stranded jobs (runCronSweep). */
export function createScheduledHandler(isolates: ReturnType<typeof createIsolateHolder>) {
  return async (event: ScheduledEvent, env: WorkerEnv, ctx: WaitUntil): Promise<void> => {
    let opened: Awaited<ReturnType<typeof isolates.open>>
    try {
      opened = await isolates.open(env)
    } catch (error) {
      logCannotServe(error)
      throw error // the cron run is reported as failed
    }
    const { isolate: current, connectionString } = opened
    const resent = await runScoped(current, connectionString, ctx, async () => {
      requireReady(current)
      return runCronSweep(current.deps)
    })
    current.deps.logger.info({ cron: event.cron, resent }, 'cron sweep done')
  }
}
