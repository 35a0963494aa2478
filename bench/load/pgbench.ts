import { execFile, spawn } from 'node:child_process'
import { access, writeFile } from 'node:fs/promises'
import { sessionSettingsAsOptions } from '../../src/storage/session.js'
import { vectorLiteral } from '../../src/storage/vector-param.js'
import type { Statement } from './capture.js'
import { track } from './children.js'

/** pgbench over the statements of one triage: the database's own floor for that work. */
export interface PgbenchResult {
  command: string
  version: string
  statements: number
  tps: number | null
  transactions: number | null
  failed: number | null
  latencyAverageMs: number | null
  exitCode: number | null
  error?: string
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The statements as a pgbench script plus `-D` variables. Parameters stay parameters: with
 * `-M extended` pgbench sends each `:variable` as an untyped text parameter, as node-postgres does with
 * `$n`, and parses every statement anew (unnamed statements, as the service's driver). NULLs and empty
 * strings are written inline (pgbench variables cannot be NULL or empty); ids the service generates per
 * request (uuids in INSERTs that `other`, another request's statements, does not send too) become
 * gen_random_uuid(), so every transaction inserts new rows as every request does, while ids that stay
 * (the API key's) stay.
 */
export function writeScript(statements: Statement[], other: Statement[] = []): { script: string; variables: string[] } {
  const variables: string[] = []
  const lasting = new Set(other.flatMap((statement) => statement.params))
  const lines = statements.map((statement, index) => {
    const inserts = /\bINSERT\b/i.test(statement.text)
    const text = statement.text.replace(/\$(\d+)/g, (_, digits: string) => {
      const value = statement.params[Number(digits) - 1]
      if (value === null || value === undefined) return 'NULL'
      // pgbench refuses an empty `-D name=`; an empty literal is untyped like the parameter was.
      if (value === '') return "''"
      if (inserts && typeof value === 'string' && uuidShape.test(value) && !lasting.has(value)) return 'gen_random_uuid()'
      const name = `s${index}p${digits}`
      if (!variables.some((entry) => entry.startsWith(`${name}=`))) variables.push(`${name}=${encode(value)}`)
      return `:${name}`
    })
    // One statement per line keeps pgbench's parser out of comments and line breaks.
    return `${text.replace(/\s+/g, ' ').trim().replace(/;$/, '')};`
  })
  return { script: `${lines.join('\n')}\n`, variables }
}

/**
 * A parameter as node-postgres would put it on the wire as text. A vector (Float32Array) goes as
 * pgvector's text form: pgbench has no binary parameters, so here the database parses what the service
 * now sends in binary (see the report's notes).
 */
function encode(value: unknown): string {
  if (value instanceof Float32Array) return vectorLiteral(value)
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value))
    return `{${value.map((item) => (item === null ? 'NULL' : `"${String(item).replace(/(["\\])/g, '\\$1')}"`)).join(',')}}`
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** Runs `pgbench -n -M extended -c <clients> -j <clients> -T <seconds> -f <script>` against the schema. */
export async function runPgbench(
  statements: Statement[],
  options: { url: string; schema: string; scriptPath: string; clients: number; seconds: number; other?: Statement[] },
): Promise<PgbenchResult> {
  const binary = await findPgbench()
  const { script, variables } = writeScript(statements, options.other)
  await writeFile(options.scriptPath, script)
  const args = [
    '-n',
    '-M',
    'extended',
    '-c',
    String(options.clients),
    '-j',
    String(options.clients),
    '-T',
    String(options.seconds),
    '-f',
    options.scriptPath,
    ...variables.flatMap((entry) => ['-D', entry]),
  ]
  const url = new URL(options.url)
  const env = {
    PATH: process.env.PATH ?? '',
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username),
    PGPASSWORD: decodeURIComponent(url.password),
    PGDATABASE: url.pathname.slice(1),
    // The server's session settings (ef_search, iterative scans) and the bench schema, as the pool has them.
    PGOPTIONS: [...sessionSettingsAsOptions(), `-c search_path=${options.schema},public`].join(' '),
  }
  const command =
    `PGOPTIONS='${env.PGOPTIONS}' ${binary} ${args.slice(0, 11).join(' ')} ${variables.length ? `-D <${variables.length} captured parameters>` : ''}`.trim()
  const version = await new Promise<string>((resolve) =>
    execFile(binary, ['--version'], (error, stdout) => resolve(error ? 'unknown' : stdout.trim())),
  )
  const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const untrack = track(child.pid, 'pgbench', async () => child.kill('SIGTERM'))
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  untrack()
  const number = (pattern: RegExp) => {
    const match = output.match(pattern)
    return match ? Number(match[1]) : null
  }
  return {
    command,
    version,
    statements: statements.length,
    exitCode,
    tps: round(number(/tps = ([\d.]+) \(without initial connection time\)/)),
    transactions: number(/number of transactions actually processed: (\d+)/),
    failed: number(/number of failed transactions: (\d+)/),
    latencyAverageMs: number(/latency average = ([\d.]+) ms/),
    ...(exitCode === 0
      ? {}
      : {
          error:
            output
              .split('\n')
              .filter((line) => /error|abort/i.test(line))
              .slice(0, 5)
              .join('\n') || output.slice(-800),
        }),
  }
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10)

async function findPgbench(): Promise<string> {
  for (const candidate of ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench']) {
    try {
      await access(candidate)
      return candidate
    } catch {
      // next
    }
  }
  return 'pgbench'
}
