import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../src/clock.js'
import { createWorker } from '../../src/jobs/worker.js'
import { createMemoryLogger } from '../../src/logger.js'
import { migrate } from '../../src/storage/migrate.js'
import { enqueueJob, findJob } from '../../src/storage/queries/jobs.js'
import type { Sql } from '../../src/storage/sql.js'
import { freshPostgresSchema, migrations, openPostgresSchema, postgresAvailable } from '../helpers/databases.js'
import { killStartedProcesses, startProcess } from '../helpers/process.js'

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe.runIf(postgresAvailable)('job worker killed mid-job [postgres]', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    killStartedProcesses() // only children these helpers started, by their PID
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('lets another worker finish the job after the lease expires; the idempotent effect happens once', async () => {
    const { schema, url } = await freshPostgresSchema(cleanups)
    const sql: Sql = await openPostgresSchema(schema)
    cleanups.push(() => sql.close())
    await migrate(sql, await migrations())
    // kill_attempts counts handler runs (at-least-once); kill_effects is the idempotent effect.
    await sql.exec(`CREATE TABLE kill_attempts (job_id uuid NOT NULL, worker_id text NOT NULL);
                    CREATE TABLE kill_effects (job_id uuid PRIMARY KEY, worker_id text NOT NULL)`)
    const { id } = await enqueueJob(sql, { queue: 'kill-test', payload: {} })

    const fixture = startProcess('test/fixtures/worker-fixture.ts', { DATABASE_URL: url, WORKER_LEASE_MS: '1000', LOG_LEVEL: 'warn' })
    await fixture.waitFor(new RegExp(`handling ${id}`), 60_000)
    const pid = fixture.child.pid!
    expect(await findJob(sql, id)).toMatchObject({ status: 'running', attempts: 1, lockedBy: `fixture-${pid}` })

    fixture.child.kill('SIGKILL') // the ChildProcess we spawned, by its PID
    expect(await fixture.exited).toBeNull() // killed by the signal, not exited
    const lockedUntil = (await findJob(sql, id))!.lockedUntil! // no heartbeat can move it any more

    let takenOverAt: Date | undefined
    const worker = createWorker({
      sql,
      clock: systemClock,
      logger: createMemoryLogger(),
      concurrency: 1,
      leaseMs: 1000,
      pollIntervalMs: 100,
      handlers: {
        'kill-test': async (job) => {
          takenOverAt ??= systemClock.now()
          await sql.query('INSERT INTO kill_attempts (job_id, worker_id) VALUES ($1, $2)', [job.id, worker.id])
          await sql.query('INSERT INTO kill_effects (job_id, worker_id) VALUES ($1, $2) ON CONFLICT (job_id) DO NOTHING', [
            job.id,
            worker.id,
          ])
        },
      },
    })
    cleanups.push(() => worker.stop({ graceful: false }))
    worker.start()
    await waitUntil(async () => (await findJob(sql, id))?.status === 'done', 15_000, 'the job to be done by the second worker')
    await worker.stop()

    expect(takenOverAt!.getTime()).toBeGreaterThanOrEqual(lockedUntil.getTime())
    expect(await findJob(sql, id)).toMatchObject({ status: 'done', attempts: 2, lockedBy: worker.id })
    const attempts = await sql.query<{ worker_id: string }>('SELECT worker_id FROM kill_attempts WHERE job_id = $1', [id])
    expect(attempts.map((row) => row.worker_id).sort()).toEqual([`fixture-${pid}`, worker.id].sort())
    expect(await sql.query('SELECT worker_id FROM kill_effects')).toEqual([{ worker_id: `fixture-${pid}` }])
  })
})
