import type { Deps } from '../deps.js'
import { scheduleRetention } from '../privacy/retention.js'
import { scheduleDigest } from '../reports/digest-job.js'
import { listStrandedJobs } from '../storage/queries/jobs.js'

/**
 * A job due this long without a claim lost its announcement (a failed queue send, a lost message, a
 * consumer that crashed). Longer than a queue normally takes to deliver, so a healthy backlog is not
 * sent twice; a repeat would be harmless anyway (the claim decides, a second message is acknowledged).
 */
export const strandedAfterMs = 5 * 60_000
const maxResentPerSweep = 500

/**
 * What a runtime without a polling worker runs on a timer (the Worker's Cron Trigger): queues this
 * hour's retention run and the next weekly digest as Node's start-up does (keyed, so once however
 * often it runs), then announces the jobs left behind again. Returns how many it announced.
 */
export async function runCronSweep(deps: Pick<Deps, 'sql' | 'clock' | 'config' | 'logger' | 'jobs'>): Promise<number> {
  await scheduleRetention(deps)
  await scheduleDigest(deps)
  const stranded = await listStrandedJobs(deps.sql, { now: deps.clock.now(), graceMs: strandedAfterMs, limit: maxResentPerSweep })
  if (stranded.length === 0) return 0
  deps.logger.warn({ jobs: stranded.length }, 'jobs were due without being claimed; announcing them again')
  await deps.jobs?.wake(stranded)
  return stranded.length
}
