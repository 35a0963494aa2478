// Test fixture for test/process/worker-kill.test.ts, not a production entry: one job worker on
// DATABASE_URL whose `kill-test` handler records its effect idempotently, says so on stdout and then
// blocks, so the test can SIGKILL it mid-job and watch another worker take the job over.
import { pino } from 'pino'
import { systemClock } from '../clock.js'
import { createWorker } from '../jobs/worker.js'
import type { Logger } from '../logger.js'
import { createPgSql } from '../storage/pg.js'

const url = process.env.DATABASE_URL
if (!url) throw new Error('DATABASE_URL is required')
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' }) as unknown as Logger
const sql = await createPgSql({ url, maxConnections: 2, logger })

const worker = createWorker({
  sql,
  clock: systemClock,
  logger,
  concurrency: 1,
  leaseMs: Number(process.env.WORKER_LEASE_MS ?? 1000),
  pollIntervalMs: 50,
  workerId: `fixture-${process.pid}`,
  handlers: {
    'kill-test': async (job) => {
      await sql.query('INSERT INTO kill_attempts (job_id, worker_id) VALUES ($1, $2)', [job.id, worker.id])
      await sql.query('INSERT INTO kill_effects (job_id, worker_id) VALUES ($1, $2) ON CONFLICT (job_id) DO NOTHING', [job.id, worker.id])
      process.stdout.write(`handling ${job.id}\n`)
      await new Promise<never>(() => {}) // until killed; the heartbeat keeps the lease meanwhile
    },
  },
})
worker.start()
process.stdout.write(`worker ready ${worker.id}\n`)
