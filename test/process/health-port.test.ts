// The separate liveness port (HEALTH_PORT), answered by a worker thread from the main thread's heartbeat:
// it answers 200 while the main port is flooded with triage work, 503 while the main loop is stuck, and
// 200 again once it runs; a taken port stops the start. Real processes on loopback; every loop is bounded;
// nothing asserts timing.
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { Agent, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { killStartedProcesses, startProcess, startServer, tempDataDir } from '../helpers/process.js'

const adminKey = `itk-test-${randomBytes(24).toString('base64url')}`

afterAll(killStartedProcesses)

/** GET on a fresh connection: status and parsed body (status 0 when the connection failed). */
function probe(url: string): Promise<{ status: number; body: { status?: string; eventLoopLagMs?: number } }> {
  return new Promise((resolve) => {
    request(url, { agent: false }, (response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => (text += chunk.toString()))
      response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text || '{}') }))
    })
      .on('error', () => resolve({ status: 0, body: {} }))
      .end()
  })
}

/** Probes every 100 ms until `accept` says yes, for at most `limitMs`; returns every answer seen. */
async function probeUntil(url: string, accept: (status: number) => boolean, limitMs = 60_000) {
  const answers: Array<Awaited<ReturnType<typeof probe>>> = []
  for (const giveUpAt = Date.now() + limitMs; Date.now() < giveUpAt; await new Promise((wait) => setTimeout(wait, 100))) {
    answers.push(await probe(url))
    if (accept(answers.at(-1)!.status)) break
  }
  return answers
}

/** `connections` keep-alive loops posting triage requests until `signal` aborts; resolves with the statuses. */
async function floodTriage(url: string, connections: number, signal: AbortSignal) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const statuses: number[] = []
  const post = (body: string) =>
    new Promise<number>((resolve) => {
      const headers = {
        authorization: `Bearer ${adminKey}`,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      }
      request(`${url}/v1/triage`, { method: 'POST', agent, headers }, (response) =>
        response.resume().on('end', () => resolve(response.statusCode!)),
      )
        .on('error', () => resolve(0))
        .end(body)
    })
  await Promise.all(
    Array.from({ length: connections }, async (_, index) => {
      for (let n = 0; !signal.aborted && n < 10_000; n++)
        statuses.push(await post(JSON.stringify({ body: `Meine Waschmaschine zeigt Fehler E18 (${index}/${n})` })))
    }),
  )
  agent.destroy()
  return statuses
}

describe('the health port of a real server', () => {
  it('answers 200 with the event-loop lag while the main port is flooded with triage requests', async () => {
    const server = await startServer({
      DATA_DIR: await tempDataDir(),
      ADMIN_API_KEY: adminKey,
      HEALTH_PORT: '0',
      EMBEDDINGS_PROVIDER: 'hashing',
      KB_LOAD_DEMO: 'false',
      TRAINING_LOAD_DEFAULTS: 'false',
    })
    const [, healthUrl] = await server.waitFor(/"healthUrl":"(http:\/\/127\.0\.0\.1:\d+)"/)
    await server.waitFor(/"msg":"ready"/, 300_000)

    const stopFlood = new AbortController()
    const flood = floodTriage(server.url, 100, stopFlood.signal)
    const answers: Array<Awaited<ReturnType<typeof probe>>> = []
    try {
      await new Promise((wait) => setTimeout(wait, 500)) // let the flood fill the triage queue first
      for (let index = 0; index < 10; index++) answers.push(await probe(`${healthUrl}/healthz`))
    } finally {
      stopFlood.abort()
    }
    const statuses = await flood
    // The flood really loaded the main port: triage requests were run, and refused beyond the limits.
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0)
    for (const answer of answers) {
      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({ status: 'ok', eventLoopLagMs: expect.any(Number) })
    }
    expect((await probe(`${healthUrl}/livez`)).status).toBe(200)
    // The main port keeps its own /healthz; the worker thread does not hold the process at shutdown.
    expect((await probe(`${server.url}/healthz`)).status).toBe(200)
    expect(await server.stop()).toBe(0)
  }, 400_000)

  it('refuses to start when the health port is taken, naming the setting, exit code 1', async () => {
    const squatter = createServer().listen(0, '127.0.0.1')
    await new Promise((listening) => squatter.once('listening', listening))
    try {
      const { port } = squatter.address() as AddressInfo
      const server = startProcess('src/entry/node.ts', {
        PORT: '0',
        HOST: '127.0.0.1',
        HEALTH_PORT: String(port),
        DATA_DIR: await tempDataDir(),
        ADMIN_API_KEY: adminKey,
        EMBEDDINGS_PROVIDER: 'hashing',
        KB_LOAD_DEMO: 'false',
        TRAINING_LOAD_DEFAULTS: 'false',
      })
      expect(await server.exited).toBe(1)
      expect(server.output()).toContain(`127.0.0.1:${port} is already in use; set HEALTH_PORT to a free port.`)
    } finally {
      squatter.close()
    }
  }, 120_000)
})

describe('the health port beside a stuck main thread', () => {
  it('answers 503 while the main event loop is stuck, and 200 again once it runs', async () => {
    const controlDir = await tempDataDir()
    const stuck = startProcess('test/fixtures/health-port-stuck-main.ts', {
      CONTROL_DIR: controlDir,
      HEALTH_PORT: '0',
      HEALTH_MAX_LAG_SECONDS: '1',
    })
    const [, healthUrl] = await stuck.waitFor(/health port listening at (http:\/\/127\.0\.0\.1:\d+)/)
    expect((await probe(`${healthUrl}/healthz`)).status).toBe(200)

    await writeFile(join(controlDir, 'block'), '')
    await stuck.waitFor(/main loop blocked/)
    // Every probe from here until the release file exists is answered while the main thread spins.
    const whileStuck = await probeUntil(`${healthUrl}/healthz`, (status) => status === 503)
    expect(whileStuck.every((answer) => answer.status === 200 || answer.status === 503)).toBe(true)
    expect(whileStuck.at(-1)).toMatchObject({ status: 503, body: { status: 'unresponsive' } })
    expect(whileStuck.at(-1)!.body.eventLoopLagMs).toBeGreaterThanOrEqual(1000)
    expect(stuck.output()).not.toMatch(/main loop released/)

    await writeFile(join(controlDir, 'release'), '')
    await stuck.waitFor(/main loop released/)
    const afterwards = await probeUntil(`${healthUrl}/healthz`, (status) => status === 200)
    expect(afterwards.at(-1)).toMatchObject({ status: 200, body: { status: 'ok' } })
    await stuck.stop()
  }, 120_000)
})
