import { parseConfig } from '../config.js'
import { downloadUsage, parseDownloadArguments } from '../platform/node/embeddings/download-arguments.js'
import { createTransformersEmbedder } from '../platform/node/embeddings/transformers.js'
import { runMain } from '../platform/node/node-deps.js'

// npm run model:download [-- --variant int8|fp32|both]: fetches the configured model (default
// Xenova/multilingual-e5-small) into the cache, so later starts load it offline. Needs the Hugging Face hub.
await runMain(async () => {
  const config = parseConfig(process.env)
  const parsed = parseDownloadArguments(process.argv.slice(2), config.embeddings.quantized)
  if ('error' in parsed) {
    process.stderr.write(`error: ${parsed.error}\n${downloadUsage}\n`)
    return 2
  }
  for (const variant of parsed.variants) {
    const seen = new Set<string>()
    const embedder = createTransformersEmbedder({
      model: config.embeddings.model,
      allowRemote: true,
      quantized: variant === 'int8',
      ...(config.embeddings.cacheDir ? { cacheDir: config.embeddings.cacheDir } : {}),
      onProgress: (event) => {
        if (event.status === 'done' && event.file && !seen.has(event.file)) {
          seen.add(event.file)
          process.stderr.write(`  ${event.file}\n`)
        }
      },
    })
    process.stderr.write(`downloading ${config.embeddings.model} (${variant}) …\n`)
    await embedder.load().catch((error: Error) => {
      throw new Error(
        `${error.message}\nThe Hugging Face hub must be reachable; for an offline machine, copy a model folder and set EMBEDDINGS_MODEL_DIR.`,
      )
    })
    process.stdout.write(`${config.embeddings.model} (${variant}) is ready (${embedder.dimensions} dimensions, space ${embedder.id})\n`)
  }
  if (!parsed.variants.includes(config.embeddings.quantized ? 'int8' : 'fp32'))
    process.stdout.write(`note: EMBEDDINGS_QUANTIZED=${config.embeddings.quantized} loads the other file; set it to match.\n`)
})
