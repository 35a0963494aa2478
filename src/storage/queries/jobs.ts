import type { Sql } from '../sql.js'

// The queue's statements (table and rationale in migrations/0005_jobs.sql). Every change to a claimed
// job names the worker (`locked_by = $worker AND status = 'running'`): a worker whose lease expired and
// whose job another worker took over gets `false`/'lost' back instead of overwriting the new owner's work.
// Times come from the caller's clock, so leases and backoff are testable without waiting.

export type JobStatus = 'queued' | 'running' | 'done' | 'dead'

/** One row of the queue, as workers and the admin listing see it. */
export interface Job {
  id: string
  queue: string
  payload: unknown
  status: JobStatus
  attempts: number
  maxAttempts: number
  runAt: Date
  /** Higher first among due jobs: work that finishes a ticket goes before new work (see jobPriority). */
  priority: number
  lockedBy: string | null
  lockedUntil: Date | null
  lastError: string | null
  dedupeKey: string | null
  createdAt: Date
  updatedAt: Date
  finishedAt: Date | null
}

/** Exponential backoff with full jitter: the delay is random() * min(capMs, baseMs * 2^(attempt-1)). */
export interface BackoffPolicy {
  baseMs: number
  capMs: number
  /** A number in [0, 1); injected so tests can pin the jitter. */
  random: () => number
}

export const defaultBackoff: BackoffPolicy = { baseMs: 1000, capMs: 10 * 60_000, random: Math.random }

export interface FailOptions {
  now: Date
  backoff?: BackoffPolicy
  /** Retrying cannot help (bad credentials, a ticket that is gone): dead-letter now, whatever attempts are left. */
  permanent?: boolean
  /** The upstream asked for this much patience (Retry-After); the retry waits at least this long. */
  notBeforeMs?: number
}

/** What failJob did: re-queued for a later attempt, dead-lettered, or nothing because the job is no longer ours. */
export type FailOutcome = { status: 'queued'; runAt: Date; attempts: number } | { status: 'dead'; attempts: number } | { status: 'lost' }

/** Claim order among due jobs: finishing a ticket already under way beats starting the next one. */
export const jobPriority = { normal: 0, finishing: 1 } as const

const columns = `id, queue, payload, status, attempts, max_attempts, run_at, priority, locked_by, locked_until, last_error,
  dedupe_key, created_at, updated_at, finished_at`
const maxErrorLength = 4000

interface JobRow {
  id: string
  queue: string
  payload: unknown
  status: JobStatus
  attempts: number
  max_attempts: number
  run_at: Date
  priority: number
  locked_by: string | null
  locked_until: Date | null
  last_error: string | null
  dedupe_key: string | null
  created_at: Date
  updated_at: Date
  finished_at: Date | null
}

const toJob = (row: JobRow): Job => ({
  id: row.id,
  queue: row.queue,
  payload: row.payload,
  status: row.status,
  attempts: row.attempts,
  maxAttempts: row.max_attempts,
  runAt: row.run_at,
  priority: row.priority,
  lockedBy: row.locked_by,
  lockedUntil: row.locked_until,
  lastError: row.last_error,
  dedupeKey: row.dedupe_key,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  finishedAt: row.finished_at,
})

export interface EnqueueInput {
  queue: string
  payload: unknown
  /** Enqueueing an existing key returns that job instead of a new one (a webhook's event id, say). */
  dedupeKey?: string | undefined
  /**
   * Not before this time; the database's now() when omitted, cut to milliseconds: claims compare with a
   * JavaScript Date (milliseconds), and a job enqueued in the same millisecond as a claim's `now` must
   * already be due then, or a worker woken for it finds nothing until its next poll.
   */
  runAt?: Date | undefined
  maxAttempts?: number | undefined
  /** jobPriority.normal when omitted. */
  priority?: number | undefined
}

/**
 * Adds a job. Pass the caller's transaction as `sql` and the job commits (or vanishes) with the caller's
 * own writes, so "stored the webhook" and "queued its processing" cannot disagree.
 */
export async function enqueueJob(sql: Sql, input: EnqueueInput): Promise<{ id: string; created: boolean }> {
  const [inserted] = await sql.query<{ id: string }>(
    `INSERT INTO jobs (queue, payload, dedupe_key, run_at, max_attempts, priority)
     VALUES ($1, $2::jsonb, $3, COALESCE($4::timestamptz, date_trunc('milliseconds', now())), COALESCE($5::int, 5), $6)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [
      input.queue,
      JSON.stringify(input.payload ?? null),
      input.dedupeKey ?? null,
      input.runAt ?? null,
      input.maxAttempts ?? null,
      input.priority ?? jobPriority.normal,
    ],
  )
  if (inserted) return { id: inserted.id, created: true }
  // A separate statement (not a CTE) so that under READ COMMITTED it sees a row a concurrent
  // transaction committed while our insert waited on it.
  const [existing] = await sql.query<{ id: string }>('SELECT id FROM jobs WHERE dedupe_key = $1', [input.dedupeKey])
  if (!existing) throw new Error(`enqueueJob: dedupe key ${input.dedupeKey} conflicted but no job has it`)
  return { id: existing.id, created: false }
}

export interface ClaimInput {
  queues: readonly string[]
  workerId: string
  limit: number
  leaseMs: number
  now: Date
}

/**
 * Takes up to `limit` due jobs in one statement: running ones whose lease expired (their worker died)
 * first, then queued ones by priority, then run_at. SKIP LOCKED lets concurrent claimers pass over each other's
 * rows instead of waiting or taking the same job. The two kinds are separate subqueries because one
 * `(queued AND due) OR (running AND expired)` filter cannot walk the (status, priority, run_at) index in order:
 * with 100k due jobs it sorted them all on every claim (40 ms); each subquery stops after `limit` rows.
 * (A row `due` locked but the outer LIMIT left out is skipped by others only until this transaction ends.)
 * Each claim counts as an attempt; a reclaimed job that has used all its attempts is dead-lettered here
 * instead of being handed out again (a job that kills its worker every time must not circulate forever).
 */
export async function claimJobs(sql: Sql, input: ClaimInput): Promise<Job[]> {
  if (input.limit <= 0 || input.queues.length === 0) return []
  const rows = await sql.query<JobRow>(
    `WITH expired AS (
       SELECT id FROM jobs WHERE status = 'running' AND locked_until <= $3 AND queue = ANY($1::text[])
        LIMIT $5 FOR UPDATE SKIP LOCKED),
     due AS (
       SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $3 AND queue = ANY($1::text[])
        ORDER BY priority DESC, run_at LIMIT $5 FOR UPDATE SKIP LOCKED)
     UPDATE jobs SET status = 'running', locked_by = $2, locked_until = $4, attempts = attempts + 1, updated_at = $3
      WHERE id IN (SELECT id FROM (SELECT id, 0 AS rank FROM expired UNION ALL SELECT id, 1 FROM due) c ORDER BY rank LIMIT $5)
      RETURNING ${columns}`,
    [input.queues, input.workerId, input.now, new Date(input.now.getTime() + input.leaseMs), input.limit],
  )
  const jobs = rows.map(toJob).sort((a, b) => b.priority - a.priority || a.runAt.getTime() - b.runAt.getTime())
  const exhausted = jobs.filter((job) => job.attempts > job.maxAttempts).map((job) => job.id)
  if (exhausted.length) await deadLetterExhausted(sql, exhausted, input.workerId, input.now)
  return jobs.filter((job) => job.attempts <= job.maxAttempts)
}

/**
 * Claims one job by id, as a queue consumer does for the id in its message: the same rule as claimJobs
 * (queued and due, or running with its lease expired; each claim is an attempt; an exhausted one is
 * dead-lettered instead). Undefined when the job is missing, finished, not due or leased to another worker.
 */
export async function claimJobById(
  sql: Sql,
  input: { id: string; workerId: string; leaseMs: number; now: Date },
): Promise<Job | undefined> {
  const [row] = await sql.query<JobRow>(
    `UPDATE jobs SET status = 'running', locked_by = $2, locked_until = $4, attempts = attempts + 1, updated_at = $3
      WHERE id = $1 AND ((status = 'queued' AND run_at <= $3) OR (status = 'running' AND locked_until <= $3))
      RETURNING ${columns}`,
    [input.id, input.workerId, input.now, new Date(input.now.getTime() + input.leaseMs)],
  )
  const job = row && toJob(row)
  if (!job || job.attempts <= job.maxAttempts) return job
  await deadLetterExhausted(sql, [job.id], input.workerId, input.now)
  return undefined
}

/**
 * Jobs that should be running but nobody was told about: queued and due for longer than `graceMs` (the
 * queue message was lost or never sent), or running with an expired lease (the consumer crashed). A
 * plain read, not a claim: sending an id twice is harmless, the claim decides who runs it.
 */
export async function listStrandedJobs(sql: Sql, input: { now: Date; graceMs: number; limit: number }): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `(SELECT id, run_at FROM jobs WHERE status = 'queued' AND run_at <= $1 ORDER BY priority DESC, run_at LIMIT $3)
     UNION ALL
     (SELECT id, run_at FROM jobs WHERE status = 'running' AND locked_until <= $2 LIMIT $3)
     ORDER BY run_at LIMIT $3`,
    [new Date(input.now.getTime() - input.graceMs), input.now, input.limit],
  )
  return rows.map((row) => row.id)
}

async function deadLetterExhausted(sql: Sql, ids: string[], workerId: string, now: Date): Promise<void> {
  await sql.query(
    `UPDATE jobs SET status = 'dead', attempts = max_attempts, locked_until = NULL, finished_at = $3, updated_at = $3,
            last_error = 'attempt ' || max_attempts || ' of ' || max_attempts || ' never finished: its worker stopped or lost the lease'
      WHERE id = ANY($1::uuid[]) AND locked_by = $2 AND status = 'running'`,
    [ids, workerId, now],
  )
}

/** Marks the job done. False when it is no longer this worker's (its lease expired and another took it). */
export async function completeJob(sql: Sql, id: string, workerId: string, options: { now: Date }): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE jobs SET status = 'done', locked_until = NULL, finished_at = $3, updated_at = $3
      WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING id`,
    [id, workerId, options.now],
  )
  return rows.length > 0
}

/**
 * Records a failed attempt: back to queued with run_at pushed out by the backoff, or dead once the
 * attempts are used up. The delay is computed in the statement because it depends on the row's attempts.
 */
export async function failJob(sql: Sql, id: string, workerId: string, error: string, options: FailOptions): Promise<FailOutcome> {
  const backoff = options.backoff ?? defaultBackoff
  const [row] = await sql.query<{ status: 'queued' | 'dead'; run_at: Date; attempts: number }>(
    `UPDATE jobs SET
        status = CASE WHEN attempts >= max_attempts OR $8 THEN 'dead' ELSE 'queued' END,
        run_at = CASE WHEN attempts >= max_attempts OR $8 THEN run_at
                 ELSE $3::timestamptz + GREATEST(LEAST($9::float8, $6::float8),
                        $5::float8 * LEAST($6::float8, $7::float8 * power(2::float8, attempts - 1))) * interval '1 millisecond' END,
        locked_by = CASE WHEN attempts >= max_attempts OR $8 THEN locked_by END,
        locked_until = NULL, last_error = $4, updated_at = $3,
        finished_at = CASE WHEN attempts >= max_attempts OR $8 THEN $3::timestamptz END
      WHERE id = $1 AND locked_by = $2 AND status = 'running'
      RETURNING status, run_at, attempts`,
    [
      id,
      workerId,
      options.now,
      error.slice(0, maxErrorLength),
      backoff.random(),
      backoff.capMs,
      backoff.baseMs,
      options.permanent ?? false,
      options.notBeforeMs ?? 0,
    ],
  )
  if (!row) return { status: 'lost' }
  return row.status === 'dead'
    ? { status: 'dead', attempts: row.attempts }
    : { status: 'queued', runAt: row.run_at, attempts: row.attempts }
}

/** Gives a running job back without counting the attempt (graceful shutdown). False when it is no longer ours. */
export async function releaseJob(sql: Sql, id: string, workerId: string, options: { now: Date }): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE jobs SET status = 'queued', locked_by = NULL, locked_until = NULL, attempts = GREATEST(attempts - 1, 0), updated_at = $3
      WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING id`,
    [id, workerId, options.now],
  )
  return rows.length > 0
}

/** Heartbeat: moves the lease to now + leaseMs. False means the job is no longer ours; stop working on it. */
export async function extendLease(sql: Sql, id: string, workerId: string, options: { now: Date; leaseMs: number }): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE jobs SET locked_until = $3, updated_at = $4 WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING id`,
    [id, workerId, new Date(options.now.getTime() + options.leaseMs), options.now],
  )
  return rows.length > 0
}

export async function findJob(sql: Sql, id: string): Promise<Job | undefined> {
  const [row] = await sql.query<JobRow>(`SELECT ${columns} FROM jobs WHERE id = $1`, [id])
  return row ? toJob(row) : undefined
}

/**
 * One status, newest first, paged by keyset: `cursor` is the id of the last job of the previous page
 * (validate it as a uuid before passing it in; an unknown one gives an empty page). nextCursor is null on the last page.
 */
export async function listJobs(
  sql: Sql,
  input: { status: JobStatus; queue?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ jobs: Job[]; nextCursor: string | null }> {
  const rows = await sql.query<JobRow>(
    `SELECT ${columns} FROM jobs
      WHERE status = $1 AND ($2::text IS NULL OR queue = $2)
        AND ($3::uuid IS NULL OR (created_at, id) < (SELECT created_at, id FROM jobs WHERE id = $3::uuid))
      ORDER BY created_at DESC, id DESC LIMIT $4`,
    [input.status, input.queue ?? null, input.cursor ?? null, input.limit + 1],
  )
  const jobs = rows.slice(0, input.limit).map(toJob)
  return { jobs, nextCursor: rows.length > input.limit ? jobs[jobs.length - 1]!.id : null }
}

/** Admin: puts a dead job back in the queue with its attempts reset; last_error stays for the record. */
export async function retryDeadJob(sql: Sql, id: string, options: { now?: Date } = {}): Promise<Job | undefined> {
  const [row] = await sql.query<JobRow>(
    `UPDATE jobs SET status = 'queued', attempts = 0, run_at = COALESCE($2::timestamptz, now()), locked_by = NULL,
            locked_until = NULL, finished_at = NULL, updated_at = COALESCE($2::timestamptz, now())
      WHERE id = $1 AND status = 'dead' RETURNING ${columns}`,
    [id, options.now ?? null],
  )
  return row ? toJob(row) : undefined
}
