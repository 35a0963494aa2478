import { readDefaultExamples } from '../platform/node/knowledge-import/read-files.js'
import { selectEmbeddings } from '../platform/node/embeddings/select.js'
import { describeDatabase } from '../platform/node/storage/open.js'
import { buildNodeDeps, refuseArguments, runMain } from '../platform/node/node-deps.js'
import { prepareForCommand } from '../startup.js'
import { loadDefaultExamples } from '../triage/examples.js'
import { trainModels } from '../triage/train-models.js'

// npm run models:train: trains the department classifier and the escalation detector for what the
// database holds and stores them there (model_artifacts), as a Node start does. A Workers deployment
// never trains: run this once after `npm run migrate`, and again after examples or verdicts change
// if no Node process serves the same database.
await runMain(async () => {
  const refused = refuseArguments('models:train')
  if (refused) return refused
  const deps = await buildNodeDeps()
  try {
    process.stderr.write(`using ${describeDatabase(deps.config)}\n`)
    await prepareForCommand(deps, () => selectEmbeddings(deps.config, deps.logger))
    if (deps.config.triage.loadDefaultExamples) await loadDefaultExamples(deps, readDefaultExamples)
    const started = performance.now()
    const models = await trainModels(deps)
    const line = (name: string, model: { version: string; trainedFor: string; bytes: number }) =>
      `${name}: ${model.version} (${model.trainedFor}; ${(model.bytes / 1024).toFixed(0)} KiB)\n`
    process.stdout.write(
      line('department classifier', models.department) +
        line('escalation detector', models.escalation) +
        `stored in ${describeDatabase(deps.config)} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    )
  } finally {
    await deps.sql.close()
  }
})
