import { afterEach, describe, expect, it, vi } from 'vitest'
import { createWorkerHandler } from '../../src/platform/workers/serve.js'

// What a Worker with missing or wrong bindings answers, before it touches a database (the handler runs in
// Node here; test/worker/worker.test.ts runs it on workerd).
const ctx = { waitUntil: () => undefined }
const secretsKey = Buffer.alloc(32, 9).toString('base64')
const hyperdrive = { connectionString: 'postgres://nobody:nothing@127.0.0.1:1/none' }

async function answer(env: Record<string, unknown>) {
  const errors: string[] = []
  vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line))
  const response = await createWorkerHandler()(new Request('http://worker.test/readyz'), env, ctx)
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json(), errors }
}

describe('a Worker with missing or wrong bindings', () => {
  afterEach(() => vi.restoreAllMocks())

  it('names the missing Hyperdrive binding', async () => {
    const result = await answer({ SECRETS_KEY: secretsKey })
    expect(result).toMatchObject({ status: 503, type: 'application/problem+json' })
    expect(result.body.detail).toMatch(/Hyperdrive binding HYPERDRIVE is missing/)
    expect(result.errors.join('\n')).toMatch(/the Worker cannot serve/)
  })

  it('names the missing SECRETS_KEY secret', async () => {
    const result = await answer({ HYPERDRIVE: hyperdrive })
    expect(result.status).toBe(503)
    expect(result.body.detail).toMatch(/SECRETS_KEY is not set/)
  })

  it('names the missing JOBS queue binding', async () => {
    const result = await answer({ HYPERDRIVE: hyperdrive, SECRETS_KEY: secretsKey })
    expect(result).toMatchObject({ status: 503, type: 'application/problem+json' })
    expect(result.body.detail).toMatch(/queue binding JOBS is missing/)
    expect(result.errors.join('\n')).toMatch(/the Worker cannot serve.*JOBS/)
  })

  it('names a wrong setting through the one config schema', async () => {
    const result = await answer({ HYPERDRIVE: hyperdrive, SECRETS_KEY: secretsKey, LOG_LEVEL: 'loud' })
    expect(result.status).toBe(503)
    expect(result.body.detail).toMatch(/LOG_LEVEL/)
  })

  it('names the missing AI binding when EMBEDDINGS_PROVIDER=workers-ai', async () => {
    const result = await answer({ HYPERDRIVE: hyperdrive, SECRETS_KEY: secretsKey, EMBEDDINGS_PROVIDER: 'workers-ai' })
    expect(result).toMatchObject({ status: 503, type: 'application/problem+json' })
    expect(result.body.detail).toMatch(/Workers AI binding AI is missing.*\[ai\].*binding = "AI"/)
    expect(result.errors.join('\n')).toMatch(/the Worker cannot serve.*binding AI is missing/)
  })
})
