import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describeCode, describeMachine, redactUrl } from './kb/report.js'
import { parseModelArgs, usage, type ModelBenchOptions, type Variant } from './model/args.js'
import type { ChildTask } from './model/child.js'
import { modelFolder, type ModelFolder } from './model/folder.js'
import { assembleReport, renderMarkdown } from './model/report.js'
import type { VariantResult } from './model/variant.js'

const startedAt = performance.now()
const progress = (message: string) =>
  process.stderr.write(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)}s] ${message}\n`)

/** `npm run bench:model`: the embedding model's cost beside raw session.run, one child process per variant. */
async function main(): Promise<void> {
  const options = parseModelArgs(process.argv.slice(2), process.env)
  if (!options) return void process.stdout.write(`${usage}\n`)
  const loadAverageStart = loadavg()
  const code = await describeCode() // at the start: others may commit to this tree during the run
  const preparing = performance.now()
  const folder = await modelFolder(options.model)
  progress(`model folder ${folder.dir} ready in ${Math.round(performance.now() - preparing)} ms`)
  const scratch = await mkdtemp(join(tmpdir(), 'bench-model-'))
  const results: VariantResult[] = []
  try {
    for (const variant of options.variants) results.push(await runChild(options, variant, folder, scratch))
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
  const report = assembleReport(results, {
    date: new Date().toISOString(),
    command: ['npm run bench:model --', ...process.argv.slice(2)].join(' '),
    code,
    machine: describeMachine(),
    options: { ...withoutUrl(options), postgres: redactUrl(options.postgresUrl) },
    loadAverage: { start: loadAverageStart, end: loadavg() },
    totalSeconds: Math.round((performance.now() - startedAt) / 1000),
  })
  await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`)
  const markdown = options.out.replace(/\.json$/, '') + '.md'
  await writeFile(markdown, renderMarkdown(report))
  process.stdout.write(
    `${JSON.stringify({ ...Object.fromEntries(Object.entries(report).slice(0, 5)), met: report.met }, null, 2)}\nwrote ${options.out} and ${markdown}\n`,
  )
}

function withoutUrl(options: ModelBenchOptions): Omit<ModelBenchOptions, 'postgresUrl'> {
  const { postgresUrl: _, ...rest } = options
  return rest
}

async function runChild(options: ModelBenchOptions, variant: Variant, folder: ModelFolder, scratch: string): Promise<VariantResult> {
  const task: ChildTask = { options, variant, folder, out: join(scratch, `${variant}.json`) }
  progress(`${variant}: child process`)
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL('./model/child.ts', import.meta.url))], {
    env: { ...process.env, BENCH_MODEL_CHILD: JSON.stringify(task) },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const stop = () => child.kill('SIGTERM')
  process.once('SIGINT', stop)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  process.off('SIGINT', stop)
  if (code !== 0) throw new Error(`the ${variant} child (pid ${child.pid}) exited with ${code}`)
  return JSON.parse(await readFile(task.out, 'utf8')) as VariantResult
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`)
  process.exitCode = 1
})
