import { writeFile } from 'node:fs/promises'
import { relevanceFeatureNames } from '../../src/triage/relevance.js'
import { createEvalDeps } from '../deps.js'
import { crossValidateRelevance, fitRelevance, relevanceReliability, scoreShown } from './fit.js'
import { adobeFile, adobeQueries, fileVersion, ownCasesFile, ownQueriesFresh } from './pairs.js'

/**
 * `npm run calibrate:relevance`: fits the relevance model of the eval's embedding space (the hashing
 * embedder; the spaces of transformers and OpenAI cannot be computed here) on the labelled pairs of
 * eval/relevance/pairs.ts and writes its coefficients to src/triage/relevance-models.ts, with the data
 * versions they came from. Prints the cross-validated calibration and what each floor would show on
 * the own eval set, to choose SUGGESTION_MIN_RELEVANCE's default by.
 */
const log = (line: string) => process.stderr.write(`${line}\n`)
const modelsFile = new URL('../../src/triage/relevance-models.ts', import.meta.url)

async function main(): Promise<void> {
  const space = (await createEvalDeps().then(async (deps) => (await deps.sql.close(), deps.embeddings.target))).id
  const own = await ownQueriesFresh()
  const adobe = await adobeQueries(log)
  const queries = [...own, ...adobe]
  const heldOut = crossValidateRelevance(queries)
  const report = (source?: string) => relevanceReliability(heldOut.filter((hit) => !source || hit.query.source === source))
  for (const [name, scores] of [
    ['all', report()],
    ['own', report('own')],
    ['adobe', report('adobe')],
  ] as const) {
    log(`cross-validated ECE ${name}: ${scores.ece.toFixed(3)} over ${scores.n} hits`)
  }
  const ownHeldOut = heldOut.filter((hit) => hit.query.source === 'own')
  for (const floor of [0.05, 0.1, 0.12, 0.15, 0.2, 0.3, 0.4, 0.5]) {
    const shown = scoreShown(ownHeldOut, floor)
    log(
      `floor ${floor.toFixed(2)}: filler ${shown.fillerShare.toFixed(3)}, target recall ${shown.targetRecall.toFixed(3)}, no suggestion with / without target ${shown.noKnowledgeWithTarget.toFixed(3)} / ${shown.noKnowledgeWithoutTarget.toFixed(3)}`,
    )
  }
  const fitted = fitRelevance(queries)
  const model = {
    spaceId: space,
    features: [...relevanceFeatureNames],
    weights: fitted.weights.map(round),
    bias: round(fitted.bias),
    fittedOn: {
      script: 'eval/relevance/calibrate.ts',
      own: { file: ownCasesFile, sha256: await fileVersion(ownCasesFile), questions: own.length },
      adobe: { file: 'shared/data/kb-adobe-commerce.jsonl', sha256: await fileVersion(adobeFile), questions: adobe.length },
      hits: queries.reduce((sum, query) => sum + query.hits.length, 0),
    },
  }
  await writeFile(modelsFile, modelsSource([model]))
  log(`wrote ${modelsFile.pathname}: ${JSON.stringify(model)}`)
}

function modelsSource(models: unknown[]): string {
  return `import type { RelevanceModel } from './relevance.js'

// Written by \`npm run calibrate:relevance\` (eval/relevance/calibrate.ts); do not edit by hand.
// One model per embedding space it was fitted in; spaces without one keep the similarity threshold.
export const relevanceModels: readonly RelevanceModel[] = ${JSON.stringify(models, null, 2)}
`
}

const round = (value: number) => Math.round(value * 1e6) / 1e6

await main()
