import { cpus, totalmem } from 'node:os'
import type { Sql } from '../../src/storage/sql.js'
import type { BenchOptions } from './args.js'
import type { Stats } from './measure.js'
import type { RecallAt } from './recall.js'
import type { RunResult } from './run.js'

export interface Machine {
  cpus: number
  cpuModel: string
  memoryGiB: number
  node: string
  platform: string
  databases: Record<string, { server: string; pgvector: string }>
}

export interface Report {
  date: string
  command: string
  /** HEAD and the files changed on top of it when the run started (others edit this tree too). */
  code: { commit: string; changed: string[] }
  machine: Machine
  options: Omit<BenchOptions, 'postgresUrl'> & { postgres: string | null }
  runs: RunResult[]
  totalSeconds: number
  /** How the runs were taken when it is not one plain command (merged reports). */
  note?: string
}

/** The commit under test and the source files changed on top of it (git is optional). */
export async function describeCode(): Promise<Report['code']> {
  const { execFile } = await import('node:child_process')
  const git = (args: string[]) =>
    new Promise<string>((resolve) => execFile('git', args, (error, stdout) => resolve(error ? '' : stdout.trimEnd())))
  const commit = (await git(['rev-parse', '--short', 'HEAD'])) || 'unknown'
  const changed = (await git(['status', '--porcelain', '--', 'src', 'migrations']))
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(3))
  return { commit, changed }
}

export function describeMachine(): Machine {
  const cores = cpus()
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    databases: {},
  }
}

export async function describeDatabase(sql: Sql): Promise<{ server: string; pgvector: string }> {
  const [row] = await sql.query<{ server: string; pgvector: string | null }>(
    `SELECT version() AS server, (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS pgvector`,
  )
  return { server: row!.server, pgvector: row!.pgvector ?? 'not installed' }
}

/** The PostgreSQL URL without its password, for the report. */
export function redactUrl(url: string | undefined): string | null {
  if (!url) return null
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'unparseable URL'
  }
}

const ms = (stats: Stats | null | undefined) => (stats ? `${stats.p50} / ${stats.p99}` : '–')
const value = (x: unknown) => (x === null || x === undefined ? '–' : String(x))
const seconds = (milliseconds: number | null | undefined) => (milliseconds == null ? '–' : (milliseconds / 1000).toFixed(1))

export function renderMarkdown(report: Report): string {
  const lines = [
    '# Knowledge-base benchmark',
    '',
    `- date: ${report.date}`,
    `- command: \`${report.command}\``,
    `- code: ${report.code.commit}${report.code.changed.length ? ` plus uncommitted changes to ${report.code.changed.join(', ')}` : ''}`,
    `- machine: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}, ${report.machine.platform}`,
    ...Object.entries(report.machine.databases).map(([name, db]) => `- ${name}: ${db.server}; pgvector ${db.pgvector}`),
    `- embedder: hashing, ${report.options.dimensions} dimensions; seed ${report.options.seed}; ${report.options.queries} queries after ${report.options.warmup} warm-up; budget ${report.options.maxMinutes} min per phase`,
    `- total time: ${report.totalSeconds} s`,
    ...(report.note ? [`- note: ${report.note}`] : []),
    '',
    '## Summary (latencies in ms, p50 / p99)',
    '',
    '| database | chunks | ingest chunks/s (upsertArticles, first 10k) | bulk chunks/s | HNSW build s | ef_search | hybrid k=5 | bare kNN | hybrid / bare (p50) | text leg | text matches (median) | vector leg | recall@10 (ε-recall) | recall@10 ef 40 | held-out chunks: recall@10 (ε-recall) | vector list recall@10 (HNSW + full-text matches) | hybrid top-5 agreement (HNSW leg alone) | contrast: questions / held-out |',
    '| --- | ---: | --- | ---: | ---: | ---: | --- | --- | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.runs.map(
      (run) =>
        `| ${run.database} | ${run.chunks} | ${value(run.ingest?.chunksPerSecond)}${run.ingestRefreshEveryBatch ? ` (refresh every batch: ${run.ingestRefreshEveryBatch.chunksPerSecond})` : ''} | ${value(run.bulk?.chunksPerSecond)} | ${seconds(run.indexBuild?.hnswMs)} | ${value(run.latency?.sessionEfSearch)} | ${ms(run.latency?.stats.hybrid)} | ${ms(run.latency?.stats.bareKnn)} | ${value(run.latency?.hybridOverBareKnn)} | ${ms(run.latency?.stats.textLeg)} | ${value(run.textMatchesPerQuery?.p50)} | ${ms(run.latency?.stats.vectorLeg)} | ${value(run.recall?.session.recall)} (${value(run.recall?.session.epsilonRecall)}) | ${value(run.recall?.others.find((at) => at.efSearch === '40')?.recall)} | ${value(run.recall?.heldOut?.recall)} (${value(run.recall?.heldOut?.epsilonRecall)}) | ${value(run.recall?.vectorListRecall)} | ${value(run.recall?.hybridTop5Agreement)} (${value(run.recall?.hybridTop5AgreementHnswOnly)}) | ${value(run.recall?.contrast)} / ${value(run.recall?.heldOut?.contrast)} |`,
    ),
    '',
    '## hnsw.ef_search side by side (same run, interleaved per query; ms p50 / p99)',
    '',
    '| database | chunks | ef_search | hybrid k=5 | bare kNN | hybrid / bare (p50) | recall@10 of the questions (ε-recall) | recall@10 of held-out chunks (ε-recall) |',
    '| --- | ---: | ---: | --- | --- | ---: | ---: | ---: |',
    ...report.runs.flatMap((run) =>
      (run.latency?.byEfSearch ?? []).map((at) => {
        const questions = recallAtEf(run.recall?.byEfSearch, at.efSearch)
        const heldOut = recallAtEf(run.recall?.heldOut?.byEfSearch, at.efSearch)
        return `| ${run.database} | ${run.chunks} | ${at.efSearch}${at.efSearch === run.latency?.sessionEfSearch ? ' (default)' : ''} | ${ms(at.hybrid)} | ${ms(at.bareKnn)} | ${value(at.ratio)} | ${value(questions?.recall)} (${value(questions?.epsilonRecall)}) | ${value(heldOut?.recall)} (${value(heldOut?.epsilonRecall)}) |`
      }),
    ),
    '',
    ...report.runs.flatMap(renderRun),
    '## How it was measured',
    '',
    method,
  ]
  return `${lines.join('\n')}\n`
}

function recallAtEf(curve: RecallAt[] | undefined, efSearch: number) {
  return curve?.find((at) => at.efSearch === String(efSearch))
}

function renderRun(run: RunResult): string[] {
  const incomplete = [
    ['ingest', run.ingest],
    ['bulk load', run.bulk],
    ['index build', run.indexBuild],
    ['search', run.latency],
    ['recall', run.recall],
    ['ingest at full size', run.scaleIngest],
  ]
    .filter(([, phase]) => phase && !(phase as { complete: boolean }).complete)
    .map(([name, phase]) => `- **${name} incomplete**: ${(phase as { note?: string }).note ?? ''}`)
  const stats = run.latency?.stats
  return [
    `## ${run.database}, ${run.chunks} chunks (${run.articles} articles; ${run.location})`,
    '',
    ...(run.error ? [`- **error**: ${run.error}`] : []),
    ...incomplete,
    `- ingest through upsertArticles: ${value(run.ingest?.chunks)} chunks in ${seconds(run.ingest?.ms)} s = ${value(run.ingest?.chunksPerSecond)} chunks/s (HNSW and GIN indexes present, empty knowledge base at the start)`,
    ...(run.ingestRefreshEveryBatch
      ? [
          `- the same ingest into a second database, interleaved batch by batch, with the statistics refreshed after every batch (the rule before): ${run.ingestRefreshEveryBatch.chunks} chunks in ${seconds(run.ingestRefreshEveryBatch.ms)} s = ${run.ingestRefreshEveryBatch.chunksPerSecond} chunks/s`,
        ]
      : []),
    ...(run.bulk
      ? [
          `- bulk load of the rest (not the service's path; indexes dropped): ${run.bulk.chunks} chunks in ${seconds(run.bulk.ms)} s = ${run.bulk.chunksPerSecond} chunks/s`,
        ]
      : []),
    `- index build: HNSW ${seconds(run.indexBuild?.hnswMs)} s over ${value(run.indexBuild?.vectors)} vectors${run.indexBuild?.ginMs != null ? `, GIN ${seconds(run.indexBuild.ginMs)} s` : ''} (maintenance_work_mem ${value(run.indexBuild?.maintenanceWorkMem)}); VACUUM ANALYZE and refreshTextStatistics ${seconds(run.analyzeMs)} s`,
    ...(run.scaleIngest
      ? [
          `- ingest into the full knowledge base afterwards: ${run.scaleIngest.chunks} chunks at ${run.scaleIngest.chunksPerSecond} chunks/s`,
        ]
      : []),
    ...(run.schema ? [`- schema: migrations ${run.schema.migrations.join(', ')}; \`${run.schema.hnswIndex}\``] : []),
    ...(run.tableSizes
      ? [
          `- sizes: ${Object.entries(run.tableSizes)
            .map(([name, size]) => `${name} ${size}`)
            .join(', ')}`,
        ]
      : []),
    `- full-text matches per query (all ${value(run.textMatchesPerQuery?.n)} queries): median ${value(run.textMatchesPerQuery?.p50)}, p99 ${value(run.textMatchesPerQuery?.p99)}, max ${value(run.textMatchesPerQuery?.max)}`,
    ...(run.recall
      ? [
          `- recall@10 over ${run.recall.queries} queries against exact search (${ms(run.recall.exactMs)} ms p50 / p99 per exact query; ties at rank 10: ${run.recall.exactTiesAt10}):`,
          `  ${run.recall.byEfSearch.map((at) => `${at.recall} (ε ${at.epsilonRecall}) at ${at.efSearch}`).join('; ')} (bare kNN answers of the latency run); ${run.recall.others.map((at) => `${at.recall} (ε ${at.epsilonRecall}) at ${at.efSearch} (bare kNN ${ms(at.knnMs)} ms)`).join('; ')}`,
          `- contrast of the questions (mean distance to 500 random chunks / exact 10th distance, median): ${value(run.recall.contrast)}`,
          ...(run.recall.heldOut
            ? [
                `- held-out chunks as queries (${run.recall.heldOut.queries}, at the default ef_search): recall@10 ${value(run.recall.heldOut.recall)}, ε-recall ${value(run.recall.heldOut.epsilonRecall)}, contrast ${value(run.recall.heldOut.contrast)}`,
              ]
            : []),
          `- vector list (HNSW answers and full-text matches by exact similarity) recall@10 against exact search: ${value(run.recall.vectorListRecall)}; questions that took the wider kNN (fewer than 100 full-text matches): ${value(run.recall.widenedSearches)} of ${value(run.recall.queries)}`,
          `- hybrid top-5 agreement (articles the search shows that it would also show with an exact vector leg): ${value(run.recall.hybridTop5Agreement)}; with the HNSW answers alone as the vector list: ${value(run.recall.hybridTop5AgreementHnswOnly)}`,
        ]
      : []),
    '',
    ...(stats
      ? [
          '| operation | n | p50 ms | p99 ms | mean ms |',
          '| --- | ---: | ---: | ---: | ---: |',
          ...Object.entries(stats).map(
            ([name, s]) => `| ${operationNames[name] ?? name} | ${value(s?.n)} | ${value(s?.p50)} | ${value(s?.p99)} | ${value(s?.mean)} |`,
          ),
          '',
        ]
      : []),
    ...Object.entries(run.explain ?? {}).flatMap(([name, plan]) => [
      `<details><summary>EXPLAIN (ANALYZE, BUFFERS) ${name}</summary>`,
      '',
      '```',
      plan,
      '```',
      '',
      '</details>',
      '',
    ]),
  ]
}

const operationNames: Record<string, string> = {
  hybrid: 'searchKnowledge k=5 (hybrid, end to end)',
  bareKnn: 'bare kNN LIMIT 10',
  embedQuery: 'embed the query (hashing)',
  vectorLeg: 'nearestChunks, 40 candidates (hybrid vector leg)',
  textLeg: 'textMatches as the hybrid calls it: 40 ranked, the best 4 000 scored for the vector list (hybrid full-text leg)',
}

const method = `- Synthetic articles in German and English (seeded PRNG), 4 to 6 sections each; the real chunker cuts one chunk per section. Word frequencies have a long tail as real text does: running text draws from a Zipf distribution (exponent 1) over about 200 frequent service words per language followed by tens of thousands of rare ones (bench/kb/long-tail.ts: German compounds, feature names, invented component and product-line names, firmware versions); each article has 14 topic words drawn from a flatter Zipf (mostly rare), one product of 40 kinds (about 1 000 names), one display code and one part number. Questions: an opener, often a product kind and name, 2 to 5 words from a Zipf of exponent 0.7, sometimes a display code or part number.
- Embeddings: the built-in \`hashing\` embedder (1024 dimensions), not a neural model: its vectors of synthetic text are harder for HNSW than a model's (recall figures are for these vectors).
- Ingest: the first \`--ingest-chunks\` chunks go through \`upsertArticles\` (100 articles per call) on an empty, migrated database whose HNSW and GIN indexes exist, as in the service. Where the whole size goes through \`upsertArticles\`, a second fresh database ingests the same batches in turn (who goes first alternates) with the statistics refreshed after every batch, the rule before (it says "refresh every batch" in the table). A larger size loads the rest with a bulk path (bench/kb/bulk-load.ts: same chunker, hash, tsvector and \`insertEmbeddings\`, 200 articles per statement, indexes dropped), then rebuilds the GIN and HNSW indexes; with no bulk part the HNSW index is dropped and rebuilt to time its build. Then VACUUM ANALYZE (PGlite has no autovacuum) and the service's \`refreshTextStatistics\`.
- Search: each query runs, in rotating order, \`searchKnowledge\` (k=5) and the bare kNN (\`ORDER BY embedding::vector(N) <=> $1 LIMIT 10\`) at every ef_search measured (on PostgreSQL one pool per value with the setting in its startup options, as \`KB_HNSW_EF_SEARCH\` sets it; on PGlite's one session a \`SET\` before each, untimed), then the query embedding and the hybrid's two legs (\`nearestChunks\` with 40 candidates, \`textMatches\` as the hybrid calls it) alone at the default ef_search. On PostgreSQL the hybrid runs its legs in parallel on two pool connections; PGlite runs them one after the other. The ratio divides the hybrid's median by the bare kNN's median at the same configured ef_search; in a space of 50 000 vectors or more the hybrid's kNN runs at 1.5 × that setting (\`largeSpaceVectors\` in src/knowledge/search.ts), so at 100k chunks the hybrid of the 200 row searches the graph as the bare kNN of the 300 row does.
- Full-text matches: \`count(*)\` of chunks matching each question's \`kb_text_query\` (the words left after leaving out common ones), which is what \`ts_rank\` has to score.
- Recall@10: the bare kNN's ids from the latency run at each ef_search against the exact top 10 (same ORDER BY inside a transaction with \`SET LOCAL enable_indexscan = off\`), and at pgvector's default 40 with \`SET LOCAL hnsw.ef_search\`. ε-recall is ann-benchmarks' tie-aware variant: an answer counts when its distance is at most 1.01 × the exact 10th distance.
- Held-out chunks: the first chunk of articles that are not in the knowledge base, embedded as passages, as ANN benchmarks hold out part of the data. The customer questions are short and lie away from the passages in the hashing space (out of distribution), the harder case for a graph index; the contrast (mean distance to 500 fixed random chunks over the exact 10th distance, median over queries; 1 = the 10th neighbour is no nearer than any chunk) shows how much the true neighbours stand out.
- Vector list and hybrid top-5 agreement: the service's vector list is the HNSW answers and the 40 most similar of the best 4 000 full-text matches (their exact similarity is computed in the text leg's query) re-ranked by similarity, 40 kept; when fewer than 100 chunks match the full text, the HNSW answers come from a second kNN at 4 × ef_search (\`searchLegs\`); the text list keeps the best 40 matches. Per question, the fused top 5 articles against the fusion of the same full-text leg with an exact vector leg (\`enable_indexscan = off\`); the share of articles in common, averaged; also with the HNSW answers alone as the vector list. Vector-list recall@10: its first 10 chunks against the exact top 10.
- Ingest at full size: extra articles through \`upsertArticles\` after the searches.
- The machine has 2 cores shared with other engineers' test runs: expect noise; compare figures of the same run (side by side), medians over single values.
- Percentiles are nearest-rank over all measured queries; the ratio is of medians.`
