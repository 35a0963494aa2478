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
/**
 * A GET on a connection of its own: after the refused uploads above the server closes the sockets whose
 * bodies it did not read, and a pooled fetch could pick one of those up.
 */
function getOnFreshConnection(url: string, headers: Record<string, string>): Promise<{ status: number; retryAfter: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (response) => {
      response.resume()
      response.on('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: Number(response.headers['retry-after'] ?? 0) }))
    })
    req.on('error', reject)
    req.end()
  })
}

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
      // Small limits, so the burst overflows them however slowly a busy machine lets its requests arrive
      // (at the defaults, 8 running and 64 waiting, a slow client never filled the queue).
      TRIAGE_MAX_CONCURRENT: '1',
      TRIAGE_MAX_QUEUE: '2',
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
    // A long inquiry keeps each triage busy for a while, so the burst overlaps even when a loaded test
    // runner sends its requests slowly; and the burst is repeated (at most five times) until it overflows,
    // since whether 150 requests arrive together is up to the machine, not the server.
    const text = 'Meine Waschmaschine zeigt Fehler E18 und pumpt nicht ab. '.repeat(150)
    const answers: Response[] = []
    let health = 0
    for (let round = 0; round < 5 && !answers.some((answer) => answer.status === 503); round++) {
      const burst = Array.from({ length: 150 }, (_, index) =>
        fetch(`${server.url}/v1/triage`, { method: 'POST', headers, body: JSON.stringify({ body: `${text} (${round}.${index})` }) }),
      )
      health = (await fetch(`${server.url}/healthz`)).status
      answers.push(...(await Promise.all(burst)))
    }
    expect(health).toBe(200)
    const refused = answers.filter((answer) => answer.status === 503)
    // 1 running and 2 waiting: most of 150 sent together are refused at once.
    expect(refused.length).toBeGreaterThan(0)
    expect(refused[0]!.headers.get('retry-after')).toBe('1')
    expect(answers.every((answer) => answer.status === 200 || answer.status === 503)).toBe(true)
  }, 120_000)

  it('locks a socket address out after repeated wrong keys: 429 with Retry-After, even for a good key', async () => {
    const statuses: number[] = []
    let retryAfter = 0
    // Wrong keys until the lockout is long enough (8 s or more) that no slow machine outlasts it before
    // the good key arrives; each lockout is waited out, since refused attempts do not count.
    for (let attempt = 0; attempt < 40 && retryAfter < 8; attempt++) {
      const answer = await getOnFreshConnection(`${server.url}/v1/api-keys`, { authorization: `Bearer wrong-${attempt}` })
      statuses.push(answer.status)
      if (answer.status !== 429) continue
      retryAfter = answer.retryAfter
      if (retryAfter < 8) await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000))
    }
    // The unauthenticated uploads above failed from this address too, so the lockout may come sooner than 10.
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true)
    expect(retryAfter).toBeGreaterThanOrEqual(8)
    const locked = await getOnFreshConnection(`${server.url}/v1/api-keys`, { authorization: `Bearer ${adminKey}` })
    expect(locked.status).toBe(429)
    expect(locked.retryAfter).toBeGreaterThanOrEqual(1)
    expect((await getOnFreshConnection(`${server.url}/healthz`, {})).status).toBe(200)
  }, 120_000)
})
