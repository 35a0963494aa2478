// /healthz latency while 200 connections post triage requests, measured side by side in one run against
// servers started from different source trees (this one and, say, an export of an older commit). Every
// server is started with HEALTH_PORT=0: a tree that has the separate health port (a worker thread) gets
// its /healthz probed too, under the same load; older trees ignore the setting.
//
//   npx tsx bench/health/under-load.ts --tree before=/tmp/base-tree --tree after=. [--seconds 6] [--rounds 2]
//
// Loopback only; every loop is bounded in time; the servers it starts are stopped by their PID.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { openSync, readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { request, Agent } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    tree: { type: 'string', multiple: true },
    seconds: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '200' },
  },
})
const trees = (values.tree ?? []).map((spec) => {
  const [label, path, ...env] = spec.split('=')
  return {
    label: label!,
    path: resolve(path!),
    env: Object.fromEntries(
      env
        .join('=')
        .split(',')
        .filter(Boolean)
        .map((pair) => pair.split(':') as [string, string]),
    ),
  }
})
const seconds = Number(values.seconds)
const connections = Number(values.connections)
const adminKey = `bench-${randomBytes(24).toString('base64url')}`

async function startServer(tree: (typeof trees)[number]): Promise<{ url: string; healthUrl: string | undefined; child: ChildProcess }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'health-bench-'))
  // The log goes to a file: a pipe this busy process drains slowly would block the server's writes.
  const logFile = join(dataDir, 'server.log')
  const child = spawn(process.execPath, ['--import', 'tsx', join(tree.path, 'src/entry/node.ts')], {
    cwd: tree.path,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_API_KEY: adminKey,
      LOG_LEVEL: 'info',
      EMBEDDINGS_PROVIDER: 'hashing',
      HEALTH_PORT: '0',
      ...tree.env,
    },
    stdio: ['ignore', openSync(logFile, 'w'), 'inherit'],
  })
  for (let waited = 0; waited < 600_000; waited += 250) {
    const output = readFileSync(logFile, 'utf8')
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1]
    const healthUrl = /"healthUrl":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1]
    if (url && output.includes('"msg":"ready"')) return { url, healthUrl, child }
    await new Promise((wait) => setTimeout(wait, 250))
  }
  throw new Error(`${tree.label} did not get ready; see ${logFile}`)
}

const texts = [
  'Meine Waschmaschine zeigt Fehler E18 und pumpt nicht ab.',
  'I was charged twice for my last order, please refund.',
  'Der Kühlschrank kühlt nicht mehr, Lebensmittel verderben.',
  'Where is my parcel? Tracking has not changed for a week.',
]

function send(agent: Agent, url: string, method: string, path: string, body?: string): Promise<number> {
  return new Promise((done) => {
    const headers: Record<string, string> = body
      ? { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
      : {}
    const req = request(`${url}${path}`, { method, agent, headers }, (response) =>
      response.resume().on('end', () => done(response.statusCode!)),
    )
    req.on('error', () => done(0))
    req.end(body)
  })
}

/** Runs the triage load for `seconds` and probes each /healthz on its own fresh connection every 100 ms. */
async function measure(url: string, healthUrl: string | undefined) {
  const loadAgent = new Agent({ keepAlive: true, maxSockets: connections })
  const until = Date.now() + seconds * 1000
  const statuses = new Map<number, number>()
  const loops = Array.from({ length: connections }, async (_, index) => {
    for (let n = 0; Date.now() < until; n++) {
      const status = await send(
        loadAgent,
        url,
        'POST',
        '/v1/triage',
        JSON.stringify({ body: `${texts[(index + n) % texts.length]} (${index}/${n})` }),
      )
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
    }
  })
  // The probe runs in its own process: the load loops keep this one busy, which would slow its timer.
  const probes = await probeInChild([url, ...(healthUrl ? [healthUrl] : [])], until)
  await Promise.all(loops)
  loadAgent.destroy()
  return { probes, statuses: Object.fromEntries(statuses) }
}

/**
 * A separate Node process that GETs /healthz at each base URL on a fresh connection every 100 ms until
 * `until`, not waiting for slow answers. Returns the latencies per URL (non-200 answers are not counted).
 */
function probeInChild(urls: string[], until: number): Promise<number[][]> {
  const script = `
    const http = require('node:http'); const urls = ${JSON.stringify(urls)}; const latencies = urls.map(() => []); const pending = []
    const tick = () => {
      if (Date.now() >= ${until} - 100) return Promise.all(pending).then(() => process.stdout.write(JSON.stringify(latencies)))
      urls.forEach((url, index) => {
        const started = performance.now()
        pending.push(new Promise((done) => http.get(url + '/healthz', { agent: false }, (res) => res.resume().on('end', () => { if (res.statusCode === 200) latencies[index].push(performance.now() - started); done() })).on('error', done)))
      })
      setTimeout(tick, 100)
    }
    setTimeout(tick, 500)`
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return new Promise((done) => child.on('exit', () => done(JSON.parse(output || '[]') as number[][])))
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? NaN
const p90 = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length * 0.9)] ?? NaN

const servers = []
for (const tree of trees) servers.push({ tree, ...(await startServer(tree)) })
const results = new Map<string, { probes: number[]; healthPortProbes: number[]; statuses: Record<string, number> }>()
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const server of servers) {
      const result = await measure(server.url, server.healthUrl)
      const seen = results.get(server.tree.label) ?? { probes: [], healthPortProbes: [], statuses: {} }
      seen.probes.push(...(result.probes[0] ?? []))
      seen.healthPortProbes.push(...(result.probes[1] ?? []))
      for (const [status, count] of Object.entries(result.statuses)) seen.statuses[status] = (seen.statuses[status] ?? 0) + count
      results.set(server.tree.label, seen)
    }
  }
} finally {
  for (const server of servers) server.child.kill('SIGTERM')
}
const figures = (probes: number[]) =>
  probes.length ? `${median(probes).toFixed(0)} | ${p90(probes).toFixed(0)} | ${probes.length}` : '– | – | –'
console.log(
  `| tree | main port /healthz median ms | p90 ms | probes | health port /healthz median ms | p90 ms | probes | triage answers by status (${connections} connections, ${seconds} s × ${values.rounds}) |`,
)
console.log('|---|---:|---:|---:|---:|---:|---:|---|')
for (const [label, result] of results) {
  console.log(`| ${label} | ${figures(result.probes)} | ${figures(result.healthPortProbes)} | ${JSON.stringify(result.statuses)} |`)
}
