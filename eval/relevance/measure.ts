import { z } from 'zod'
import { relevanceModelFor } from '../../src/triage/relevance.js'
import { readCheckedLines } from '../json-lines.js'
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
  /**
   * Shown suggestions that are not the case's target, not an article the blind annotator tagged relevant to
   * the case (eval/relevance/relevant-articles.jsonl), and not the pinned safety article of a case labelled `safety`.
   */
  fillerShare: number
  /** The same with only the target (and the safety pin) counting as relevant: the stricter, older figure. */
  fillerShareTargetOnly: number
  /** Cases the blind annotator labelled (the others count their target only). */
  labelledCases: number
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

export const relevantArticlesFile = 'eval/relevance/relevant-articles.jsonl'

/** The blind annotator's relevant articles per case id; an absent file gives none (target-only filler). */
export async function readRelevantArticles(file = relevantArticlesFile): Promise<Map<string, ReadonlySet<string>>> {
  const { rows, problems } = await readCheckedLines(file, z.object({ id: z.string(), relevant: z.array(z.string()) }))
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`)
  return new Map(rows.map(({ value }) => [value.id, new Set(value.relevant)]))
}

/**
 * Filler and target recall among what triage showed. The pinned safety article counts as relevant in a
 * case labelled with the `safety` reason (what it is pinned for) and as filler elsewhere; an article the
 * blind annotator tagged relevant to the case is not filler (the "target or tagged relevant").
 */
export function scoreShownSuggestions(
  outcomes: ReadonlyArray<{
    id: string
    targetArticle: string | null
    suggested: readonly string[]
    pinned: string | null
    reasons: readonly string[]
  }>,
  floor: number,
  relevant: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): ShownReport {
  const tally = (tagged: (outcome: (typeof outcomes)[number]) => ReadonlySet<string>) =>
    tallyShown(
      floor,
      outcomes.map((outcome) => {
        const right = new Set([...tagged(outcome), ...(outcome.targetArticle ? [outcome.targetArticle] : [])])
        if (outcome.reasons.includes('safety') && outcome.pinned) right.add(outcome.pinned)
        return {
          hasTarget: Boolean(outcome.targetArticle),
          shown: outcome.suggested.length,
          filler: outcome.suggested.filter((id) => !right.has(id)).length,
          found: Boolean(outcome.targetArticle) && outcome.suggested.includes(outcome.targetArticle!),
        }
      }),
    )
  const byLabels = tally((outcome) => relevant.get(outcome.id) ?? new Set())
  return {
    ...byLabels,
    fillerShareTargetOnly: tally(() => new Set()).fillerShare,
    labelledCases: outcomes.filter((outcome) => relevant.has(outcome.id)).length,
  }
}
