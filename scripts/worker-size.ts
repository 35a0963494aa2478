// The Workers bundle check after `wrangler deploy --dry-run --outdir .wrangler/dist` (npm run build:worker):
// prints the bundle's gzip size, which is what Cloudflare's script size limit counts, and fails above the
// paid plan's 10 MiB. The free plan allows 3 MiB; a bundle between the two is said so but passes. With
// wrangler's --metafile it also fails when the bundle holds a Node-only piece: the embedded database, the
// local model runtime, or anything from src/platform/node/.
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { gzipSync } from 'node:zlib'

const mib = 1024 * 1024
const paidLimit = 10 * mib
const freeLimit = 3 * mib
const folder = path.resolve(process.argv[2] ?? '.wrangler/dist')

/** The modules wrangler uploads: every .js/.mjs/.wasm file it wrote, without source maps or its README. */
async function bundleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile() && /\.(m?js|wasm)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
}

/** Inputs that must never reach the Worker: they need a file system, native code or hundreds of MiB. */
const nodeOnly = [
  /node_modules\/@electric-sql\//,
  /node_modules\/@xenova\//,
  /node_modules\/onnxruntime/,
  /node_modules\/sharp\//,
  /^src\/platform\/node\//,
]

async function nodeOnlyInputs(dir: string): Promise<string[] | undefined> {
  let meta: { inputs: Record<string, unknown> }
  try {
    meta = JSON.parse(await readFile(path.join(dir, 'bundle-meta.json'), 'utf8'))
  } catch {
    return undefined
  }
  return Object.keys(meta.inputs).filter((input) => nodeOnly.some((pattern) => pattern.test(input)))
}

const files = await bundleFiles(folder)
if (files.length === 0) {
  console.error(`worker-size: no bundle in ${folder}; run wrangler deploy --dry-run --outdir ${folder} first.`)
  process.exit(1)
}
let raw = 0
let gzip = 0
for (const file of files) {
  const bytes = await readFile(file)
  raw += bytes.length
  gzip += gzipSync(bytes, { level: 9 }).length
}
const show = (bytes: number) => `${(bytes / mib).toFixed(2)} MiB`
console.log(`worker-size: ${files.length} module(s), ${show(raw)} raw, ${show(gzip)} gzip.`)
const misplaced = await nodeOnlyInputs(folder)
if (misplaced === undefined) console.log('worker-size: no bundle-meta.json (wrangler --metafile), so the inputs were not checked.')
else if (misplaced.length > 0) {
  console.error(`worker-size: the bundle holds Node-only modules:\n${misplaced.map((input) => `  - ${input}`).join('\n')}`)
  process.exit(1)
}
if (gzip > paidLimit) {
  console.error(`worker-size: the gzip size is above the Workers paid plan's limit of ${show(paidLimit)}.`)
  process.exit(1)
}
console.log(
  gzip > freeLimit
    ? `worker-size: within the paid plan's ${show(paidLimit)}, but above the free plan's ${show(freeLimit)}.`
    : `worker-size: within the paid plan's ${show(paidLimit)} and the free plan's ${show(freeLimit)}.`,
)
