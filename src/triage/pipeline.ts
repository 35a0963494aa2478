import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { searchKnowledge, toHit, type SearchHit } from '../knowledge/search.js'
import { toSpace } from '../knowledge/spaces.js'
import * as knowledgeQueries from '../storage/queries/knowledge.js'
import { replyTemplate } from '../../prompts/reply-template.js'
import { assessEscalation, assessText, senderFacts } from './escalation/assess.js'
import { escalationDueAt } from './escalation/decide.js'
import { detectLanguage } from './language.js'
import { draftWithLlm, escalationSecondOpinion, secondOpinion } from './llm-step.js'
import type { TextAssessment } from './escalation/assess.js'
import { relevanceModelFor } from './relevance.js'
import { chooseSuggestions, defaultNoKnowledgeSimilarity, templateSuggestions, withSafetyArticleFirst } from './suggestions.js'
import type { TriageInput } from './triage-input.js'
import type { TriageResult } from './triage-result.js'
import { storeTriageOutcome, type TriageOutcome } from './store-outcome.js'

type TriageDeps = Pick<Deps, 'sql' | 'embeddings' | 'classifier' | 'escalation' | 'logger' | 'clock' | 'config' | 'llm' | 'jobs'>

const retrievalQueryLength = 2000
/** How many suggestions triage shows at most. */
export const suggestionCount = 3

export interface AnalyzeOptions {
  signal?: AbortSignal | undefined
  /** An inquiry stored before its triage (a webhook's): keeps its id and is not counted as its own repeat contact. */
  inquiryId?: string | undefined
}

/**
 * embed → classify → retrieve → escalate → store. The inquiry and its escalation are stored in one
 * statement before the result is returned, so what the caller saw is what GET /v1/inquiries shows.
 */
export async function triageInquiry(
  deps: TriageDeps,
  input: TriageInput,
  options: { signal?: AbortSignal; submittedByKeyId?: string } = {},
): Promise<TriageResult> {
  const outcome = await analyzeInquiry(deps, input, options)
  await storeTriageOutcome(deps, outcome, { kind: 'new', input, submittedByKeyId: options.submittedByKeyId })
  return outcome.result
}

/** embed → classify → retrieve → escalate, without storing: the webhook's job stores it with storeTriageOutcome, evals not at all. */
export async function analyzeInquiry(deps: TriageDeps, input: TriageInput, options: AnalyzeOptions = {}): Promise<TriageOutcome> {
  const started = performance.now()
  const text = [input.subject?.trim(), input.body.trim()].filter(Boolean).join('\n\n')
  // Statements go out as soon as their inputs exist, and the CPU steps run while they execute: the
  // repeat-contact count needs only the customer, classification only the vector, retrieval also the
  // language. On PostgreSQL that overlaps; on PGlite (one thread) the order changes nothing.
  // The detector's state is at hand after the first call; it says whether the account directory is empty.
  const detector = deps.escalation.current(deps)
  const sender = detector.then((state) =>
    senderFacts(deps, input, text, { ownId: options.inquiryId, withAccounts: state.hasAccounts !== false }),
  )
  // Awaited below; this keeps a failure before then from going unhandled.
  for (const pending of [sender, detector]) pending.catch(() => undefined)
  const active = await deps.embeddings.activeSpace(() => knowledgeQueries.findActiveSpace(deps.sql))
  const embedder = active && deps.embeddings.forSpace(toSpace(active))
  if (!active || !embedder) throw new AppError('service_unavailable', 'No embedding space is ready yet; retry shortly.')
  const degraded: string[] = []
  const prompts = new Set([`${replyTemplate.id}@${replyTemplate.version}`])
  const llmState = { degraded, prompts }

  const embedding = performance.now()
  const [vector] = await embedder.embed([text], { purpose: 'query', ...(options.signal ? { signal: options.signal } : {}) })
  const embedded = performance.now()
  let classified = 0
  const classification = deps.classifier
    .classify(deps, { text, vector: vector!, space: active })
    .finally(() => (classified = performance.now()))
  classification.catch(() => undefined) // awaited below, with retrieval
  const detecting = performance.now()
  const language = detectLanguage(text, input.language)
  const detected = performance.now()
  const retrieval = retrieveCandidates(deps, text, language.language, vector!, degraded)
  const escalationState = await detector
  const escalating = performance.now()
  const textReasons = assessText(escalationState, text)
  const signalled = performance.now()
  const findSafetyArticle = () =>
    knowledgeQueries.nearestTaggedChunk(deps.sql, active, vector!, {
      tag: deps.config.triage.safetyArticleTag,
      language: language.language,
    })
  const safetyArticle = reportsHazard(textReasons) ? findSafetyArticle() : undefined
  const [local, hits, safetyRow] = await Promise.all([classification, retrieval, safetyArticle])
  const retrieved = performance.now()
  const [opinion, escalationOpinion] = await Promise.all([
    secondOpinion(deps, { text, language: language.language, customerName: input.customer?.name, prediction: local }, llmState),
    escalationSecondOpinion(
      deps,
      { text, language: language.language, customerName: input.customer?.name, policy: escalationState.policy, assessment: textReasons },
      llmState,
    ),
  ])
  // A hazard the second opinion found gets its safety article too.
  const safetyRowFinal = safetyRow ?? (reportsHazard(escalationOpinion.assessment) ? await findSafetyArticle() : undefined)
  // An LLM's confidence is not calibrated; capped so it never looks surer than a calibrated answer.
  const prediction = opinion?.adopted ? { ...local, department: opinion.department, confidence: Math.min(opinion.confidence, 0.8) } : local

  const { chosen, rate, noKnowledge } = chooseSuggestions(hits, {
    question: text,
    model: relevanceModelFor(active.id),
    floor: deps.config.triage.suggestionMinRelevance,
    threshold:
      deps.config.triage.noKnowledgeSimilarity ??
      defaultNoKnowledgeSimilarity[active.provider as keyof typeof defaultNoKnowledgeSimilarity] ??
      0.3,
    count: suggestionCount,
  })
  // The safety article is pinned whatever its relevance; it is rated all the same, so the agent sees how well it fits.
  const pinnedHit = safetyRowFinal && safetyHit(safetyRowFinal, hits)
  const suggested = pinnedHit ? withSafetyArticleFirst(chosen, { ...pinnedHit, relevance: rate(pinnedHit) }, suggestionCount) : chosen
  const assessing = performance.now()
  const { earlierContacts, account } = await sender
  const decision = assessEscalation(deps, input, {
    detector: escalationState,
    text: escalationOpinion.assessment,
    confidence: local.confidence,
    noKnowledge,
    earlierContacts,
    account,
  })
  const assessed = performance.now()
  const suggestions = await draftWithLlm(
    deps.llm,
    {
      text,
      language: language.language,
      customerName: input.customer?.name,
      suggestions: templateSuggestions(suggested, { language: language.language, customerName: input.customer?.name }),
      passages: suggested.map((hit) => hit.snippet),
    },
    llmState,
  )

  const now = deps.clock.now()
  const inquiryId = options.inquiryId ?? crypto.randomUUID()
  const dueAt = decision.escalate ? escalationDueAt(now, prediction.department, decision.reasons, escalationState.policy.policy) : null
  const result: TriageResult = {
    inquiryId,
    externalId: input.externalId ?? null,
    language: language.language,
    languageSource: language.source,
    department: prediction.department,
    confidence: round(prediction.confidence),
    probabilities: { technical: round(prediction.probabilities.technical), commercial: round(prediction.probabilities.commercial) },
    ...(opinion ? { secondOpinion: opinion } : {}),
    suggestions,
    noKnowledge: Boolean(noKnowledge),
    account: account
      ? { externalId: account.account.externalId, name: account.account.name, tier: account.account.tier, matchedBy: account.matchedBy }
      : null,
    escalation: {
      ...decision,
      ...(escalationOpinion.opinion ? { secondOpinion: escalationOpinion.opinion } : {}),
      id: dueAt ? crypto.randomUUID() : null,
      dueAt: dueAt?.toISOString() ?? null,
    },
    ...(degraded.length ? { degraded } : {}),
    // Classification and retrieval overlap; retrieveMs is measured from the end of embedding too.
    timings: {
      languageMs: ms(detecting, detected),
      embedMs: ms(embedding, embedded),
      classifyMs: ms(embedded, classified),
      retrieveMs: ms(embedded, retrieved),
      escalateMs: ms(escalating, signalled) + ms(assessing, assessed),
      totalMs: 0,
    },
    versions: {
      embeddingSpace: active.id,
      classifier: prediction.version,
      escalationModel: escalationState.model.version,
      prompts: [...prompts],
    },
    createdAt: now.toISOString(),
  }
  result.timings.totalMs = ms(started, performance.now())
  return { result, dueAt }
}

/** The hits triage chooses its suggestions from (twice as many as it shows); the relevance calibration fits on the same. */
export async function retrieveCandidates(
  deps: Pick<Deps, 'sql' | 'embeddings'>,
  text: string,
  language: string,
  vector: Float32Array,
  degraded: string[],
): Promise<SearchHit[]> {
  const q = text.slice(0, retrievalQueryLength)
  // Articles in the inquiry's language, and those in the knowledge base's other languages through the
  // question's glossary translation, ranked below an equally good match in the inquiry's language.
  const found = await searchKnowledge(deps, { q, k: suggestionCount * 2, queryLanguage: language, vector })
  degraded.push(...found.degraded)
  return found.results
}

/** The safety article as a search hit: its section nearest the inquiry, and its place in the search when it was found there too. */
function safetyHit(row: knowledgeQueries.TaggedChunkRow, hits: SearchHit[]): SearchHit {
  const found = hits.find((hit) => hit.articleId === row.article_id)
  return {
    ...toHit(row),
    score: found?.score ?? 0,
    vectorRank: found?.vectorRank ?? null,
    textRank: found?.textRank ?? null,
    similarity: row.score,
  }
}

const reportsHazard = (assessment: TextAssessment) => assessment.fired.some((reason) => reason.code === 'safety')
const round = (value: number) => Math.round(value * 1000) / 1000
const ms = (from: number, to: number) => Math.round((to - from) * 100) / 100
