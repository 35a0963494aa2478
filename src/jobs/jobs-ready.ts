/**
 * Told after a transaction that queued jobs has committed, with the ids of those due now. Node's job
 * worker only wakes (its poll claims whatever is due); a Worker sends each id to its Cloudflare Queue.
 * Never rejects: the job rows are stored, so whatever is not announced is found by the next poll (Node)
 * or re-sent by the Cron Trigger (Worker).
 */
export interface JobsReady {
  wake(jobIds?: readonly string[]): void | Promise<void>
}
