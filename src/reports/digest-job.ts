import type { Deps } from '../deps.js'
import type { Job } from '../jobs/worker.js'
import { digestSlot, markDigestSending, unmarkDigestSending, type DigestSlot } from '../storage/queries/digest.js'
import { enqueueJob } from '../storage/queries/jobs.js'
import { postToLeads } from '../review/notify.js'
import { collectDigest, digestMessage } from './digest.js'

// The weekly digest goes to the leads' notification webhook on Monday 08:00 in UI_TIME_ZONE. Each
// week's job is keyed by its Monday, so however many servers schedule it, the week has one job; the
// job marks the week before it sends (at most once, even when its lease runs out mid-send) and queues
// the next week's job when it is done.

export const digestQueue = 'weekly-digest'

type DigestDeps = Pick<Deps, 'sql' | 'clock' | 'config' | 'logger' | 'embeddings'>

const digestOn = (deps: Pick<Deps, 'config'>) => Boolean(deps.config.leads.notifyWebhookUrl) && deps.config.leads.weeklyDigest

async function enqueueDigest(deps: Pick<Deps, 'sql' | 'config'>, slot: DigestSlot): Promise<boolean> {
  const job = await enqueueJob(deps.sql, {
    queue: digestQueue,
    payload: { week: slot.week },
    dedupeKey: `${digestQueue}:${slot.week}`,
    runAt: slot.runAt,
    maxAttempts: deps.config.jobs.maxAttempts,
  })
  return job.created
}

/** Queues the next digest unless it is queued (or sent) already; start-up calls this. */
export async function scheduleDigest(deps: Pick<Deps, 'sql' | 'clock' | 'config'>): Promise<boolean> {
  if (!digestOn(deps)) return false
  return enqueueDigest(deps, await digestSlot(deps.sql, { now: deps.clock.now(), timeZone: deps.config.ui.timeZone }))
}

function weekOf(job: Pick<Job, 'payload'>): string {
  const week = (job.payload as { week?: unknown } | null)?.week
  if (typeof week !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(week)) {
    throw Object.assign(new Error('digest job payload has no week'), { permanent: true })
  }
  return week
}

/** The job: send the week's digest once, then queue the next week's. */
export async function runDigestJob(deps: DigestDeps, job: Pick<Job, 'payload'>, signal: AbortSignal): Promise<'sent' | 'skipped'> {
  if (!digestOn(deps)) return 'skipped' // switched off since it was queued: the chain ends here
  const timeZone = deps.config.ui.timeZone
  const slot = await digestSlot(deps.sql, { now: deps.clock.now(), timeZone, week: weekOf(job) })
  const next = await digestSlot(deps.sql, { now: new Date(slot.runAt.getTime() + 1000), timeZone })
  const sent = (await markDigestSending(deps.sql, slot.week, deps.clock.now())) ? await sendDigest(deps, slot, signal) : 'skipped'
  await enqueueDigest(deps, next.runAt > deps.clock.now() ? next : await digestSlot(deps.sql, { now: deps.clock.now(), timeZone }))
  return sent
}

async function sendDigest(deps: DigestDeps, slot: DigestSlot, signal: AbortSignal): Promise<'sent'> {
  try {
    const digest = await collectDigest(deps, slot)
    await postToLeads(deps, digestMessage(digest, deps.config.leads.publicBaseUrl), signal)
    deps.logger.info({ week: slot.week }, 'weekly digest sent to the leads')
    return 'sent'
  } catch (error) {
    await unmarkDigestSending(deps.sql, slot.week) // not delivered: the job's retry may send it
    throw error
  }
}
