import { readFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const triageCases = fileURLToPath(new URL('../../test/fixtures/triage-cases.json', import.meta.url))

interface Tokenizer {
  encode(text: string, pair: null, options: { add_special_tokens: boolean }): number[]
  model: { vocab: string[] }
}

/** Loads a model folder's tokenizer the way the embedder does (transformers.js, offline). */
export async function loadFolderTokenizer(dir: string): Promise<{ tokenizer: Tokenizer; loadMs: number }> {
  const { AutoTokenizer, env } = await import('@xenova/transformers')
  // The library's settings are one process-wide object: set them for this load only.
  const previous = { localModelPath: env.localModelPath, allowLocalModels: env.allowLocalModels }
  Object.assign(env, { localModelPath: dirname(dir), allowLocalModels: true })
  try {
    const started = Date.now()
    const tokenizer = (await AutoTokenizer.from_pretrained(basename(dir), { local_files_only: true })) as unknown as Tokenizer
    return { tokenizer, loadMs: Date.now() - started }
  } finally {
    Object.assign(env, previous)
  }
}

/** Tokens per whitespace-separated word over the triage cases' subjects and bodies, without <s> and </s>. */
export async function tokensPerWord(dir: string) {
  const { tokenizer, loadMs } = await loadFolderTokenizer(dir)
  const cases = JSON.parse(await readFile(triageCases, 'utf8')) as { subject?: string; body: string }[]
  let words = 0
  let tokens = 0
  let unknown = 0
  for (const { subject, body } of cases) {
    const text = `${subject ?? ''}\n${body}`.trim()
    words += text.split(/\s+/).length
    const ids = tokenizer.encode(text, null, { add_special_tokens: false })
    tokens += ids.length
    unknown += ids.filter((id) => id === 3).length
  }
  return { cases: cases.length, words, tokens, perWord: tokens / words, unknown, pieces: tokenizer.model.vocab.length, loadMs }
}
