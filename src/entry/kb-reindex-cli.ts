import { SingleBar, Presets } from 'cli-progress'
import { reindexKnowledge } from '../knowledge/reindex.js'
import { selectEmbeddings } from '../platform/node/embeddings/select.js'
import { prepareForCommand } from '../startup.js'
import { buildNodeDeps, refuseArguments, runMain } from '../platform/node/node-deps.js'

// npm run kb:reindex: embeds every chunk into the configured space, then makes it the active one.
// Searches keep using the previous space until the switch, so it can run while the service serves.
await runMain(async () => {
  const refused = refuseArguments('kb:reindex')
  if (refused) return refused
  const deps = await buildNodeDeps()
  try {
    await prepareForCommand(deps, () => selectEmbeddings(deps.config, deps.logger))
    const bar = new SingleBar(
      { format: 're-indexing |{bar}| {value}/{total} chunks', stream: process.stderr, hideCursor: true },
      Presets.shades_classic,
    )
    bar.start(0, 0)
    const result = await reindexKnowledge(deps, {
      onProgress: ({ embedded, total }) => {
        bar.setTotal(total)
        bar.update(embedded)
      },
    })
    bar.stop()
    process.stdout.write(
      `space ${result.space}: ${result.embedded} chunks embedded, ${result.activated ? 'now active' : 'was already active'}\n`,
    )
  } finally {
    await deps.sql.close()
  }
})
