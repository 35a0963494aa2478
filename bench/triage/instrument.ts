import type { DepartmentClassifier } from '../../src/triage/classifier-service.js'
import type { EmbeddingRuntime } from '../../src/providers/embeddings/runtime.js'
import type { Sql } from '../../src/storage/sql.js'

/**
 * Time spent per step of the request being measured. Requests run one at a time, so one open trace
 * collects everything the app does until the response is read; steps that overlap (classification and
 * retrieval on PostgreSQL) are each counted in full.
 */
export class Trace {
  readonly spans = new Map<string, number>()
  add(step: string, ms: number): void {
    this.spans.set(step, (this.spans.get(step) ?? 0) + ms)
  }
}

/** The trace of the request in flight, or undefined between requests (seeding, warm-up bookkeeping). */
export const tracing: { current: Trace | undefined } = { current: undefined }

async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
  const trace = tracing.current
  if (!trace) return work()
  const started = performance.now()
  try {
    return await work()
  } finally {
    trace.add(step, performance.now() - started)
  }
}

// Statements recognised by a fragment of their text; the order matters (the first match wins).
const statements: Array<[RegExp, string]> = [
  [/FROM training_example_embeddings\s+WHERE space_id = \$2\s+ORDER BY/, 'sql.knnExamples'],
  [/FROM kb_chunk_embeddings\s+WHERE space_id/, 'sql.knnChunks'],
  [/kb_text_query\(/, 'sql.fullText'],
  [/INSERT INTO inquiries/, 'sql.store'],
  [/FROM inquiries\s+WHERE created_at/, 'sql.repeatCount'],
  [/FROM embedding_spaces/, 'sql.activeSpace'],
  [/FROM training_examples/, 'sql.examplesStamp'],
  [/api_keys/, 'sql.auth'],
]

export function statementOf(text: string): string {
  return statements.find(([pattern]) => pattern.test(text))?.[1] ?? 'sql.other'
}

/**
 * The same database, with every statement's wall time added to the open trace. PGlite runs one
 * statement at a time anyway; queueing them here first makes each one's time its own execution
 * instead of execution plus the wait behind the others.
 */
export function instrumentSql<T extends Sql>(sql: T, options: { serialise: boolean }): T {
  let queue: Promise<unknown> = Promise.resolve()
  const run = <R>(work: () => Promise<R>): Promise<R> => {
    if (!options.serialise) return work()
    const next = queue.then(work, work)
    queue = next.catch(() => undefined)
    return next
  }
  return {
    ...sql,
    query: (text: string, params?: readonly unknown[]) => run(() => timed(statementOf(text), () => sql.query(text, params))),
  }
}

/** The same runtime, with the embedders it hands out timed. */
export function instrumentEmbeddings(runtime: EmbeddingRuntime): EmbeddingRuntime {
  const wrapped = new WeakMap<object, ReturnType<EmbeddingRuntime['forSpace']>>()
  return {
    ...runtime,
    forSpace(space) {
      const embedder = runtime.forSpace(space)
      if (!embedder) return undefined
      if (!wrapped.has(embedder))
        wrapped.set(embedder, { ...embedder, embed: (texts, options) => timed('embed', () => embedder.embed(texts, options)) })
      return wrapped.get(embedder)
    },
  }
}

/** The same classifier, with classify timed (its kNN statement is also timed on its own). */
export function instrumentClassifier(classifier: DepartmentClassifier): DepartmentClassifier {
  return { ...classifier, classify: (deps, input) => timed('classify', () => classifier.classify(deps, input)) }
}
