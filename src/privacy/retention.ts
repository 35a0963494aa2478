import type { Deps } from '../deps.js'
import type { Job } from '../jobs/worker.js'
import { enqueueJob } from '../storage/queries/jobs.js'
import { lockExpiredInquiries } from '../storage/queries/data-subjects.js'
import { eraseWithin, type EraseDeps } from './erase.js'
import { retrainAfterErasure } from './retrain.js'
import type { Erasure } from './subject.js'

// RETENTION_DAYS (DSGVO Art. 5(1)(e)): inquiries older than that are erased with everything derived,
// by a job on the durable queue, so the schedule survives restarts and runs on whichever worker is
// free. Each run erases a bounded batch; a full batch queues the next one at once, otherwise the next
// run is queued for the next hour. Jobs are keyed by their hour, so a restart or a second server
// that schedules again finds the job already queued instead of adding another.

export const retentionQueue = 'retention'
export const retentionIntervalMs = 3600_000
const defaultBatchSize = 200
const dayMs = 86_400_000
const systemActor = { keyId: null, name: 'retention', role: 'system' }

/** Erases one batch of expired inquiries; `more` when the batch was full. Nothing when retention is off. */
export async function purgeExpiredInquiries(
  deps: EraseDeps,
  options: { batchSize?: number } = {},
): Promise<{ erasure?: Erasure; more: boolean }> {
  const days = deps.config.privacy.retentionDays
  if (!days) return { more: false }
  const batchSize = options.batchSize ?? defaultBatchSize
  const now = deps.clock.now()
  const outcome = await deps.sql.transaction(async (tx) => {
    const ids = await lockExpiredInquiries(tx, new Date(now.getTime() - days * dayMs), batchSize)
    if (ids.length === 0) return undefined
    const erasure = await eraseWithin(tx, ids, {
      actor: systemActor,
      action: 'retention_purge',
      entityType: 'data_subject',
      entityId: crypto.randomUUID(),
      at: now,
    })
    return { erasure, more: ids.length === batchSize }
  })
  if (!outcome) return { more: false }
  deps.logger.info({ erased: outcome.erasure.erased, retentionDays: days }, 'expired inquiries erased')
  return { erasure: { ...outcome.erasure, retraining: await retrainAfterErasure(deps, outcome.erasure.erased) }, more: outcome.more }
}

const hourKey = (at: number) => `${retentionQueue}:${Math.floor(at / retentionIntervalMs)}`

/** Queues this hour's retention run unless it is queued (or ran) already; start-up calls this. */
export async function scheduleRetention(deps: Pick<Deps, 'sql' | 'clock' | 'config'>): Promise<boolean> {
  if (!deps.config.privacy.retentionDays) return false
  const now = deps.clock.now()
  return (
    await enqueueJob(deps.sql, {
      queue: retentionQueue,
      payload: {},
      dedupeKey: hourKey(now.getTime()),
      runAt: now,
      maxAttempts: deps.config.jobs.maxAttempts,
    })
  ).created
}

/** The job: one batch, then the next batch now or the next run at the start of the next hour. */
export async function runRetentionJob(
  deps: EraseDeps & Pick<Deps, 'jobs'>,
  job: Pick<Job, 'id'>,
  options: { batchSize?: number } = {},
): Promise<void> {
  if (!deps.config.privacy.retentionDays) return // switched off since it was queued: the chain ends here
  const { more } = await purgeExpiredInquiries(deps, options)
  const now = deps.clock.now().getTime()
  const next = more
    ? { dedupeKey: `${retentionQueue}:after:${job.id}`, runAt: new Date(now) }
    : { dedupeKey: hourKey(now + retentionIntervalMs), runAt: new Date((Math.floor(now / retentionIntervalMs) + 1) * retentionIntervalMs) }
  const queued = await enqueueJob(deps.sql, { queue: retentionQueue, payload: {}, ...next, maxAttempts: deps.config.jobs.maxAttempts })
  if (more) await deps.jobs?.wake([queued.id])
}
