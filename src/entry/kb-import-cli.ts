import { SingleBar, Presets } from 'cli-progress'
import { parseArgs } from 'node:util'
import { upsertArticles, type IngestResult } from '../knowledge/ingest.js'
import { listArticleFiles, readArticleFile } from '../platform/node/knowledge-import/read-files.js'
import type { RawArticle } from '../platform/node/knowledge-import/formats.js'
import { selectEmbeddings } from '../platform/node/embeddings/select.js'
import { prepareForCommand } from '../startup.js'
import { buildNodeDeps, runMain } from '../platform/node/node-deps.js'

const usage =
  'usage: npm run kb:import -- <file or folder> [--draft] [--batch 100]\n  formats: Markdown with front matter, HTML, CSV, JSONL'

// npm run kb:import: imports every supported file under a path. A bad file or article is reported and
// skipped; the rest is imported. Exit code 1 when anything was skipped, so scripts notice.
await runMain(async () => {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { draft: { type: 'boolean' }, batch: { type: 'string' } } })
  const batchSize = Number(values.batch ?? 100)
  const problem =
    positionals.length !== 1
      ? `give exactly one file or folder (got ${positionals.length})`
      : !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 500
        ? '--batch must be a whole number from 1 to 500'
        : undefined
  if (problem) {
    process.stderr.write(`error: ${problem}\n${usage}\n`)
    return 2
  }
  const files = await listArticleFiles(positionals[0]!).catch((error: Error) => {
    throw new Error(`cannot read ${positionals[0]}: ${error.message}`)
  })
  const deps = await buildNodeDeps()
  try {
    await prepareForCommand(deps, () => selectEmbeddings(deps.config, deps.logger))
    const totals: IngestResult = { created: 0, updated: 0, unchanged: 0, failed: [], items: [] }
    const badFiles: string[] = []
    const bar = new SingleBar(
      { format: 'importing |{bar}| {value}/{total} files | {file}', stream: process.stderr, hideCursor: true },
      Presets.shades_classic,
    )
    bar.start(files.length, 0, { file: '' })
    let pending: Array<{ file: string; article: RawArticle }> = []
    const flush = async () => {
      const result = await upsertArticles(
        deps,
        pending.map((entry) => entry.article),
        values.draft ? { status: 'draft' } : {},
      )
      totals.created += result.created
      totals.updated += result.updated
      totals.unchanged += result.unchanged
      totals.failed.push(...result.failed.map((failure) => ({ ...failure, reason: `${pending[failure.index]!.file}: ${failure.reason}` })))
      pending = []
    }
    for (const [index, file] of files.entries()) {
      const parsed = await readArticleFile(file)
      if (parsed.error) badFiles.push(`${file}: ${parsed.error}`)
      pending.push(...parsed.articles.map((article) => ({ file, article })))
      if (pending.length >= batchSize) await flush()
      bar.update(index + 1, { file: file.slice(-40) })
    }
    if (pending.length) await flush()
    bar.stop()
    printSummary(files.length, badFiles, totals)
    return badFiles.length + totals.failed.length > 0 ? 1 : 0
  } finally {
    await deps.sql.close()
  }
})

function printSummary(fileCount: number, badFiles: string[], totals: IngestResult) {
  const lines = [
    `${fileCount} files read, ${badFiles.length} skipped`,
    `articles: ${totals.created} created, ${totals.updated} updated, ${totals.unchanged} unchanged, ${totals.failed.length} failed`,
    ...badFiles.map((line) => `  skipped file ${line}`),
    ...totals.failed.slice(0, 50).map((failure) => `  failed article ${failure.externalId ?? `#${failure.index}`}: ${failure.reason}`),
  ]
  if (totals.failed.length > 50) lines.push(`  … and ${totals.failed.length - 50} more`)
  process.stdout.write(`${lines.join('\n')}\n`)
}
