import { z } from 'zod'
import { sha256Hex } from '../auth/crypto.js'
import type { Deps } from '../deps.js'
import { fieldErrorsFrom, type FieldError } from '../errors.js'
import { writableEmbedders } from '../knowledge/writable-spaces.js'
import * as queries from '../storage/queries/examples.js'
import { seedOnce } from '../storage/queries/settings.js'
import { detectLanguage } from './language.js'

/** A labelled example as callers send it; language is detected when omitted. */
export const ExampleInputSchema = z
  .object({
    text: z.string().trim().min(1, 'must not be empty').max(50_000),
    department: z.enum(['technical', 'commercial']),
    language: z
      .string()
      .regex(/^[a-z]{2}$/, 'must be a two-letter ISO 639-1 code')
      .optional(),
  })
  .strict()

export interface AddExamplesResult {
  created: number
  duplicates: number
  failed: Array<{ index: number; reason: string; errors: FieldError[] }>
}

type ExampleSource = queries.ExampleInsert['source']

/**
 * Stores labelled examples with their vectors in every writable space. They count for the kNN vote
 * at once; the linear model retrains in the background on the next classification.
 */
export async function addExamples(
  deps: Pick<Deps, 'sql' | 'embeddings'>,
  inputs: unknown[],
  source: ExampleSource,
  origin: { inquiryId?: string } = {},
): Promise<AddExamplesResult> {
  const result: AddExamplesResult = { created: 0, duplicates: 0, failed: [] }
  const valid: queries.ExampleInsert[] = []
  const seen = new Set<string>()
  for (const [index, input] of inputs.entries()) {
    const parsed = ExampleInputSchema.safeParse(input)
    if (!parsed.success) {
      const errors = fieldErrorsFrom(parsed.error.issues)
      result.failed.push({ index, reason: errors.map((error) => `${error.field}: ${error.message}`).join('; '), errors })
      continue
    }
    const { text, department } = parsed.data
    const language = detectLanguage(text, parsed.data.language).language
    const contentHash = await sha256Hex(`${department}\n${text}`)
    // The same example twice in one batch is one example (and one INSERT row: the upsert refuses twins).
    if (seen.has(contentHash)) result.duplicates++
    else valid.push({ text, department, language, source, contentHash, inquiryId: origin.inquiryId })
    seen.add(contentHash)
  }
  const embedders = await writableEmbedders(deps)
  const vectors = await Promise.all(
    embedders.map((embedder) =>
      embedder.embed(
        valid.map((example) => example.text),
        { purpose: 'query' },
      ),
    ),
  )
  await deps.sql.transaction(async (tx) => {
    const inserted = new Map((await queries.insertExamples(tx, valid)).map((row) => [row.content_hash, row.id]))
    for (const [spaceIndex, embedder] of embedders.entries()) {
      const rows = valid.flatMap((example, i) => {
        const exampleId = inserted.get(example.contentHash)
        return exampleId ? [{ exampleId, department: example.department, vector: vectors[spaceIndex]![i]! }] : []
      })
      await queries.insertExampleEmbeddings(tx, embedder.id, rows)
    }
    result.created = inserted.size
    result.duplicates += valid.length - inserted.size
  })
  return result
}

const defaultsLoadedKey = 'default_examples_loaded'

/** Loads the shipped training set into an installation without examples, once. */
export async function loadDefaultExamples(
  deps: Pick<Deps, 'sql' | 'embeddings' | 'logger'>,
  readExamples: () => Promise<unknown[]>,
): Promise<number> {
  const loaded = await seedOnce(deps.sql, defaultsLoadedKey, {
    isEmpty: async () => (await queries.countExamples(deps.sql)) === 0,
    async load() {
      const result = await addExamples(deps, await readExamples(), 'default')
      for (const failure of result.failed) deps.logger.warn({ ...failure }, 'default example rejected')
      return { examples: result.created }
    },
  })
  if (loaded) deps.logger.info(loaded, 'default training examples loaded')
  return loaded?.examples ?? 0
}
