// npm run bench:reports [-- --inquiries 100000 --repeat 15 --databases postgres,pglite --only <label part>]
//
// How fast the lead's reports answer on a large history: seeds a fresh database with --inquiries
// inquiries over 26 weeks (bench/reports/seed-*.sql: escalations, feedback, a complaint score), then
// calls every report endpoint --repeat times in-process (after one unmeasured call) and prints the
// median and p95 of each, with the query plans' index use. Writes bench/reports-report.md. A measurement,
// not a test: nothing is asserted.
import { readFile, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { createApiKey } from '../src/auth/api-keys.js'
import type { Deps } from '../src/deps.js'
import { appFor, buildDeps, openDatabase, type DatabaseName } from './intake/setup.js'

const { values } = parseArgs({
  options: {
    inquiries: { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '15' },
    databases: { type: 'string', default: 'postgres' },
    only: { type: 'string', default: '' },
    report: { type: 'string', default: new URL('./reports-report.md', import.meta.url).pathname },
  },
})
const inquiries = Number(values.inquiries)
const repeat = Number(values.repeat)
const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL
const now = new Date()
const today = now.toISOString().slice(0, 10)
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10)

/** The calls a lead's pages make, over the default four weeks and over a quarter and a year. */
const calls: Array<[string, string, Record<string, string>?]> = [
  ['overview, 28 days by day', '/v1/reports/overview'],
  ['overview, 91 days by week', `/v1/reports/overview?from=${daysAgo(90)}&to=${today}&granularity=week`],
  ['overview, 366 days by week', `/v1/reports/overview?from=${daysAgo(365)}&to=${today}&granularity=week`],
  ['overview CSV, 91 days', `/v1/reports/overview?from=${daysAgo(90)}&to=${today}`, { accept: 'text/csv' }],
  ['knowledge gaps, 28 days', '/v1/reports/knowledge-gaps'],
  ['knowledge gaps, 7 days', `/v1/reports/knowledge-gaps?from=${daysAgo(6)}&to=${today}`],
  ['training needs, 28 days', '/v1/reports/training-needs'],
  ['training needs, 91 days', `/v1/reports/training-needs?from=${daysAgo(90)}&to=${today}`],
  ['staffing plan, 4 weeks', '/v1/reports/staffing'],
  ['staffing plan, 26 weeks', '/v1/reports/staffing?weeks=26'],
]

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!

async function seed(deps: Deps): Promise<Record<string, number>> {
  await deps.sql.query('SELECT setseed(0.42)')
  for (const file of ['seed-inquiries.sql', 'seed-escalations.sql', 'seed-feedback.sql']) {
    const text = await readFile(new URL(`./reports/${file}`, import.meta.url), 'utf8')
    await deps.sql.query(text, file === 'seed-inquiries.sql' ? [inquiries, now] : file === 'seed-escalations.sql' ? [now] : [])
  }
  // Autovacuum does this on a live table (inserts count since PostgreSQL 13); the covering index needs it for index-only scans.
  await deps.sql.query('VACUUM ANALYZE')
  const [counts] = await deps.sql.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM inquiries) AS inquiries, (SELECT count(*)::int FROM escalations) AS escalations,
            (SELECT count(*)::int FROM inquiry_feedback) AS feedback`,
  )
  return counts!
}

async function measure(name: DatabaseName) {
  const database = await openDatabase(name, postgresUrl)
  try {
    const deps = await buildDeps(database.sql)
    const started = performance.now()
    const counts = await seed(deps)
    console.log(`${name}: seeded ${JSON.stringify(counts)} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    const app = appFor(deps)
    const { key } = await createApiKey(deps, { name: 'bench lead', role: 'lead' })
    const rows: Array<{ call: string; status: number; bytes: number; p50: number; p95: number }> = []
    for (const [label, path, headers = {}] of calls.filter(([label]) => label.includes(values.only))) {
      const call = () => app.request(path, { headers: { authorization: `Bearer ${key}`, ...headers } })
      const first = await call()
      const bytes = (await first.arrayBuffer()).byteLength
      const times: number[] = []
      for (let i = 0; i < repeat; i++) {
        const t0 = performance.now()
        await (await call()).arrayBuffer()
        times.push(performance.now() - t0)
      }
      times.sort((a, b) => a - b)
      const row = { call: label, status: first.status, bytes, p50: quantile(times, 0.5), p95: quantile(times, 0.95) }
      rows.push(row)
      console.log(
        `${name.padEnd(8)} ${label.padEnd(28)} ${row.status}  p50 ${row.p50.toFixed(0)} ms  p95 ${row.p95.toFixed(0)} ms  ${bytes} B`,
      )
    }
    return { name, counts, rows }
  } finally {
    await database.close()
  }
}

const databases = values.databases.split(',').filter((name): name is DatabaseName => name === 'postgres' || name === 'pglite')
const runs = []
for (const name of databases) runs.push(await measure(name))
const lines = [
  '# Report speed on a large history (`npm run bench:reports`)',
  '',
  `Run ${now.toISOString()}, ${repeat} calls per report after one unmeasured call, in-process (no HTTP), load average before ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' / ')} on a shared 2-core machine. History: bench/reports/seed-*.sql over the 26 weeks before the run.`,
  '',
  ...runs.flatMap((run) => [
    `## ${run.name}: ${run.counts.inquiries} inquiries, ${run.counts.escalations} escalations, ${run.counts.feedback} feedback rows`,
    '',
    '| report | status | body | median ms | p95 ms |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...run.rows.map((row) => `| ${row.call} | ${row.status} | ${row.bytes} B | ${row.p50.toFixed(0)} | ${row.p95.toFixed(0)} |`),
    '',
  ]),
]
await writeFile(values.report, `${lines.join('\n')}\n`)
console.log(`wrote ${values.report}`)
