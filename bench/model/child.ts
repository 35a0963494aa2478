import { readFile, writeFile } from 'node:fs/promises'
import type { TriageCase } from '../triage/run.js'
import type { ModelBenchOptions, Variant } from './args.js'
import type { ModelFolder } from './folder.js'
import { runVariant } from './variant.js'

/** What bench/model.ts hands one child: the parsed options, the variant, the model folder and where to write. */
export interface ChildTask {
  options: ModelBenchOptions
  variant: Variant
  folder: ModelFolder
  out: string
}

/** One variant in a process of its own, so its peak memory is its own; the result goes to task.out as JSON. */
async function main(): Promise<void> {
  const task = JSON.parse(process.env.BENCH_MODEL_CHILD ?? '') as ChildTask
  const cases = JSON.parse(await readFile(new URL('../../test/fixtures/triage-cases.json', import.meta.url), 'utf8')) as TriageCase[]
  const started = performance.now()
  const log = (message: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}\n`)
  const result = await runVariant(task.options, task.variant, task.folder, cases, log)
  await writeFile(task.out, JSON.stringify(result))
}

await main()
