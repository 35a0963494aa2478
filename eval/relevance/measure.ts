import { relevanceModelFor } from '../../src/triage/relevance.js'
import type { EvalDeps } from '../deps.js'
import { crossValidateRelevance, relevanceReliability, scoreShown, tallyShown, type ReliabilityBin, type ShownScores } from './fit.js'
import { adobeQueries, ownQueries } from './pairs.js'

/** The relevance calibration of one embedding space, cross-validated by question (5 folds). */
export interface RelevanceSpaceReport {
  space: string
  /** Whether the service has a committed model for this space (else it keeps the similarity threshold). */
  committedModel: boolean
  questions: { own: number; adobe: number }
  n: number
  ece: number
  reliability: ReliabilityBin[]
  bySource: Record<string, { n: number; ece: number }>
  /** What each floor would show on the own cases, from the held-out relevances. */
  floors: ShownScores[]
}

/** What the pipeline showed on the eval cases with the committed model and the configured floor. */
export interface ShownReport {
  floor: number
  shown: number
  /** Shown suggestions that are neither the case's target nor the pinned safety article of a case labelled `safety`. */
  fillerShare: number
  /** Cases with a target whose target was among the suggestions shown. */
  targetRecall: number
  noKnowledgeWithTarget: number
  noKnowledgeWithoutTarget: number
}

export interface RelevanceReport {
  spaces: Record<string, RelevanceSpaceReport>
  /** Providers not measured here, and what the service does in them. */
  notMeasured: Array<{ provider: string; why: string }>
  shown: ShownReport
}

const floorsShown = [0.05, 0.1, 0.12, 0.15, 0.2, 0.3, 0.4, 0.5]

/** Cross-validated calibration in the eval's space (hashing), on the own cases and, when present, the Adobe summaries. */
export async function measureRelevanceCalibration(deps: EvalDeps, log: (line: string) => void): Promise<RelevanceSpaceReport> {
  const own = await ownQueries(deps)
  const adobe = await adobeQueries(log)
  const heldOut = crossValidateRelevance([...own, ...adobe])
  const overall = relevanceReliability(heldOut)
  const bySource = Object.fromEntries(
    (['own', 'adobe'] as const).map((source) => {
      const scores = relevanceReliability(heldOut.filter((hit) => hit.query.source === source))
      return [source, { n: scores.n, ece: scores.ece }]
    }),
  )
  const ownHeldOut = heldOut.filter((hit) => hit.query.source === 'own')
  const space = deps.embeddings.target.id
  log(`relevance ${space}: cross-validated ECE ${overall.ece.toFixed(3)} over ${overall.n} hits`)
  return {
    space,
    committedModel: Boolean(relevanceModelFor(space)),
    questions: { own: own.length, adobe: adobe.length },
    n: overall.n,
    ece: overall.ece,
    reliability: overall.reliability,
    bySource,
    floors: floorsShown.map((floor) => scoreShown(ownHeldOut, floor)),
  }
}

export const notMeasured: RelevanceReport['notMeasured'] = [
  { provider: 'transformers', why: 'no model weights on the eval machine' },
  { provider: 'openai', why: 'no OpenAI access in the eval' },
]

/**
 * Filler and target recall among what triage showed. The pinned safety article counts as relevant in a
 * case labelled with the `safety` reason (what it is pinned for) and as filler elsewhere.
 */
export function scoreShownSuggestions(
  outcomes: ReadonlyArray<{
    targetArticle: string | null
    suggested: readonly string[]
    pinned: string | null
    reasons: readonly string[]
  }>,
  floor: number,
): ShownReport {
  return tallyShown(
    floor,
    outcomes.map((outcome) => {
      const tagged = outcome.reasons.includes('safety') ? outcome.pinned : null
      return {
        hasTarget: Boolean(outcome.targetArticle),
        shown: outcome.suggested.length,
        filler: outcome.suggested.filter((id) => id !== outcome.targetArticle && id !== tagged).length,
        found: Boolean(outcome.targetArticle) && outcome.suggested.includes(outcome.targetArticle!),
      }
    }),
  )
}
