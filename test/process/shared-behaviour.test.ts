// The shared behaviour (test/shared/behaviour.ts) against the Node entry: `npm start` as a real process on a
// fresh PostgreSQL schema. test/worker/worker.test.ts runs the same tests against the Worker on workerd.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe } from 'vitest'
import { freshPostgresSchema, testPostgresUrl } from '../helpers/databases.js'
import { startServer } from '../helpers/process.js'
import { sharedBehaviour } from '../shared/behaviour.js'

const adminKey = `adm_${randomBytes(24).toString('hex')}`

describe.skipIf(!testPostgresUrl)('shared behaviour: the Node entry on PostgreSQL', () => {
  const cleanups: Array<() => Promise<void>> = []
  let server: Awaited<ReturnType<typeof startServer>>

  beforeAll(async () => {
    const { schema } = await freshPostgresSchema(cleanups)
    // Like the Worker: no demo knowledge base, hashing embeddings, no background jobs in this process.
    server = await startServer({
      DATABASE_URL: testPostgresUrl!,
      DATABASE_SCHEMA: schema,
      ADMIN_API_KEY: adminKey,
      EMBEDDINGS_PROVIDER: 'hashing',
      KB_LOAD_DEMO: 'false',
      WORKER_CONCURRENCY: '0',
    })
    await server.waitFor(/"msg":"ready"/, 300_000)
  })

  afterAll(async () => {
    await server?.stop()
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  sharedBehaviour(() => ({ url: server.url, adminKey }))
})
