import { readJsonLines } from '../platform/node/knowledge-import/read-files.js'
import { selectEmbeddings } from '../platform/node/embeddings/select.js'
import { prepareForCommand } from '../startup.js'
import { addExamples } from '../triage/examples.js'
import { buildNodeDeps, runMain } from '../platform/node/node-deps.js'

const usage =
  'usage: npm run examples:import -- <file.jsonl>\n  one JSON object per line: { "text": "...", "department": "technical"|"commercial", "language"?: "de" }'
const batchSize = 500

// npm run examples:import: adds labelled examples the department classifier learns from. Invalid
// lines are reported and skipped (exit code 1); the rest is stored. A running server picks them up.
await runMain(async () => {
  const [file, ...rest] = process.argv.slice(2)
  if (!file || rest.length > 0) {
    process.stderr.write(`${usage}\n`)
    return 2
  }
  const rows = await readJsonLines(file).catch((error: Error) => {
    throw new Error(`cannot read ${file}: ${error.message}`)
  })
  const deps = await buildNodeDeps()
  try {
    await prepareForCommand(deps, () => selectEmbeddings(deps.config, deps.logger))
    let created = 0
    let duplicates = 0
    const failures: string[] = []
    for (let start = 0; start < rows.length; start += batchSize) {
      const result = await addExamples(deps, rows.slice(start, start + batchSize), 'import')
      created += result.created
      duplicates += result.duplicates
      failures.push(...result.failed.map((failure) => `  line ${start + failure.index + 1}: ${failure.reason}`))
    }
    process.stdout.write(
      [
        `${rows.length} lines read: ${created} examples added, ${duplicates} already known, ${failures.length} rejected`,
        ...failures.slice(0, 50),
      ].join('\n') + '\n',
    )
    return failures.length > 0 ? 1 : 0
  } finally {
    await deps.sql.close()
  }
})
