// Hardening against a real server process on PGlite: an unauthenticated upload is answered 401 without
// being buffered (resident memory barely moves), one over the limit gets 413, a triage burst beyond the
// concurrency limits gets 503 at once while /healthz still answers, and wrong keys from one socket
// address end in 429 with Retry-After.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killStartedProcesses, startServer, tempDataDir } from '../helpers/process.js'

const adminKey = `itk-test-${randomBytes(24).toString('base64url')}`
const megabyte = 1024 * 1024

/** Resident memory of a process in MB, from /proc (Linux). */
const residentMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

/**
 * Posts `totalBytes` chunked (no Content-Length) and stops sending once the answer arrives or the
 * server closes the connection. Resolves with the status and body, or 'closed'.
 */
function chunkedPost(
  url: string,
  path: string,
  totalBytes: number,
  headers: Record<string, string> = {},
): Promise<{ status: number | 'closed'; body: string }> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, 'x')
    let sent = 0
    let answered = false
    const req = request(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...headers },
    })
    req.on('response', (response) => {
      answered = true
      let body = ''
      response.on('data', (part: Buffer) => (body += part.toString()))
      response.on('end', () => resolve({ status: response.statusCode!, body }))
      response.on('error', () => resolve({ status: response.statusCode!, body }))
    })
    req.on('error', () => {
      if (!answered) resolve({ status: 'closed', body: '' })
    })
    const pump = () => {
      while (!answered && sent < totalBytes) {
        sent += chunk.length
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      if (!answered) req.end()
    }
    pump()
  })
}

describe('a real server process under abuse', () => {
  let server: Awaited<ReturnType<typeof startServer>>

  beforeAll(async () => {
    server = await startServer({
      DATA_DIR: await tempDataDir(),
      ADMIN_API_KEY: adminKey,
      LOG_LEVEL: 'info',
      EMBEDDINGS_PROVIDER: 'hashing',
      KB_LOAD_DEMO: 'false',
      TRAINING_LOAD_DEFAULTS: 'false',
    })
    // The first start on a machine may train the escalation detector for minutes (cached afterwards).
    await server.waitFor(/"msg":"ready"/, 300_000)
  }, 400_000)

  afterAll(killStartedProcesses)

  it('answers unauthenticated chunked uploads of 30 MB with 401 without holding them in memory', async () => {
    await fetch(`${server.url}/healthz`)
    const before = residentMb(server.child.pid!)
    let peak = before
    const sampler = setInterval(() => (peak = Math.max(peak, residentMb(server.child.pid!))), 20)
    try {
      // Under the 32 MB knowledge-base import limit, so a buffering server would take each whole body.
      const answers = await Promise.all(Array.from({ length: 8 }, () => chunkedPost(server.url, '/v1/kb/articles', 30 * megabyte)))
      for (const answer of answers) expect([401, 'closed']).toContain(answer.status)
      expect(answers.filter((answer) => answer.status === 401).length).toBeGreaterThan(0)
    } finally {
      clearInterval(sampler)
    }
    // Generous: eight buffered bodies would add 240 MB or more.
    expect(peak - before).toBeLessThan(100)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  }, 120_000)

  it('answers an authenticated body over the limit with 413 problem details, declared or streamed', async () => {
    const auth = { authorization: `Bearer ${adminKey}` }
    const streamed = await chunkedPost(server.url, '/v1/triage', 3 * megabyte, auth)
    expect(streamed.status).toBe(413)
    expect(JSON.parse(streamed.body)).toMatchObject({ status: 413, code: 'payload_too_large' })
    const declared = await fetch(`${server.url}/v1/triage`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'x'.repeat(2 * megabyte) }),
    })
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({ status: 413, code: 'payload_too_large' })
  }, 60_000)

  it('answers a triage burst beyond its concurrency and queue limits with 503 at once, and /healthz meanwhile', async () => {
    const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }
    const burst = Array.from({ length: 150 }, (_, index) =>
      fetch(`${server.url}/v1/triage`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ body: `Meine Waschmaschine zeigt Fehler E18 (${index})` }),
      }),
    )
    const health = await fetch(`${server.url}/healthz`)
    const answers = await Promise.all(burst)
    expect(health.status).toBe(200)
    const refused = answers.filter((answer) => answer.status === 503)
    // 8 running and 64 waiting by default: the rest of 150 arriving together are refused.
    expect(refused.length).toBeGreaterThan(0)
    expect(refused[0]!.headers.get('retry-after')).toBe('1')
    expect(answers.every((answer) => answer.status === 200 || answer.status === 503)).toBe(true)
  }, 120_000)

  it('locks a socket address out after repeated wrong keys: 429 with Retry-After, even for a good key', async () => {
    const statuses: number[] = []
    for (let attempt = 0; attempt < 12; attempt++) {
      statuses.push((await fetch(`${server.url}/v1/api-keys`, { headers: { authorization: `Bearer wrong-${attempt}` } })).status)
    }
    // The unauthenticated uploads above failed from this address too, so the lockout may come sooner than 10.
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true)
    expect(statuses.at(-1)).toBe(429)
    const locked = await fetch(`${server.url}/v1/api-keys`, { headers: { authorization: `Bearer ${adminKey}` } })
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  }, 60_000)
})
