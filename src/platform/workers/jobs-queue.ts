// The Cloudflare Queue that carries job ids from where jobs are queued (webhook intake, triage's outbox,
// the cron's re-send) to the queue consumer. The jobs table stays the source of truth: a message is only
// an announcement, so a failed send loses nothing (the cron finds the job and sends it again).
import type { JobsReady } from '../../jobs/jobs-ready.js'
import type { Logger } from '../../logger.js'

/** The part of Cloudflare's Queue producer binding the Worker uses. */
export interface JobsQueue {
  sendBatch(messages: Iterable<{ body: unknown }>): Promise<unknown>
}

/** What a message says: the id of a job row that is due. */
export interface JobMessageBody {
  jobId: string
}

// Queues accepts at most 100 messages in one sendBatch.
const batchLimit = 100

/** Announces jobs by sending their ids to the queue; a failed send is logged and left to the cron. */
export function createQueueAnnouncer(queue: JobsQueue, logger: Logger): JobsReady {
  return {
    async wake(jobIds = []) {
      for (let start = 0; start < jobIds.length; start += batchLimit) {
        const ids = jobIds.slice(start, start + batchLimit)
        try {
          await queue.sendBatch(ids.map((jobId): { body: JobMessageBody } => ({ body: { jobId } })))
        } catch (error) {
          const err = error instanceof Error ? error.message : String(error)
          logger.error({ jobIds: ids, err }, 'could not send jobs to the queue; the cron re-sends them once they are overdue')
        }
      }
    },
  }
}
