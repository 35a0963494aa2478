import { parseConfig } from '../config.js'
import { createTransformersEmbedder } from '../platform/node/embeddings/transformers.js'
import { refuseArguments, runMain } from '../platform/node/node-deps.js'

// npm run model:download: fetches the configured model (default Xenova/multilingual-e5-small) into the
// cache, so later starts load it offline. Needs access to the Hugging Face hub.
await runMain(async () => {
  const refused = refuseArguments('model:download')
  if (refused) return refused
  const config = parseConfig(process.env)
  const seen = new Set<string>()
  const embedder = createTransformersEmbedder({
    model: config.embeddings.model,
    allowRemote: true,
    ...(config.embeddings.cacheDir ? { cacheDir: config.embeddings.cacheDir } : {}),
    onProgress: (event) => {
      if (event.status === 'done' && event.file && !seen.has(event.file)) {
        seen.add(event.file)
        process.stderr.write(`  ${event.file}\n`)
      }
    },
  })
  process.stderr.write(`downloading ${config.embeddings.model} …\n`)
  await embedder.load().catch((error: Error) => {
    throw new Error(
      `${error.message}\nThe Hugging Face hub must be reachable; for an offline machine, copy a model folder and set EMBEDDINGS_MODEL_DIR.`,
    )
  })
  process.stdout.write(`${config.embeddings.model} is ready (${embedder.dimensions} dimensions, space ${embedder.id})\n`)
})
