import { sha256Hex } from '../auth/crypto.js'
import type { Principal } from '../auth/roles.js'
import type { Deps } from '../deps.js'
import * as knowledgeQueries from '../storage/queries/knowledge.js'
import { insertEscalationExample } from '../storage/queries/escalation-examples.js'
import { addExamples } from '../triage/examples.js'

/**
 * A human's department decision (an agent's correction, a lead's final department) becomes a labelled
 * example, and the classifier retrains before this returns, so the next similar inquiry already benefits.
 */
export async function learnDepartment(
  deps: Pick<Deps, 'sql' | 'embeddings' | 'classifier' | 'logger'>,
  example: { text: string; department: 'technical' | 'commercial'; language: string; inquiryId: string },
): Promise<boolean> {
  const language = /^[a-z]{2}$/.test(example.language) ? example.language : undefined
  const input = { text: example.text.slice(0, 50_000), department: example.department, ...(language ? { language } : {}) }
  const result = await addExamples(deps, [input], 'feedback', { inquiryId: example.inquiryId })
  await retrain(deps)
  return result.created > 0
}

/** Retrains in the background after examples were added here, so this process need not wait for its next check. */
export function refreshClassifierSoon(deps: Pick<Deps, 'sql' | 'classifier' | 'logger'>): void {
  retrain(deps).catch((error: Error) =>
    deps.logger.warn({ err: error.message }, 'classifier retraining failed; the previous model keeps serving'),
  )
}

/** Retrains on the stored examples of the active embedding space; without one there is nothing to train on. */
async function retrain(deps: Pick<Deps, 'sql' | 'classifier' | 'logger'>): Promise<void> {
  const active = await knowledgeQueries.findActiveSpace(deps.sql)
  if (active) await deps.classifier.refresh(deps, active)
}

/**
 * A lead's or agent's verdict on an inquiry's escalation becomes a labelled example (`labels`: text
 * reason → applies or not). The detector retrains in the background on the next check; until the new
 * model is ready the previous one keeps serving. False when the same verdict on the text exists.
 */
export async function learnEscalation(
  deps: Pick<Deps, 'sql' | 'config' | 'escalation' | 'logger'>,
  example: {
    text: string
    language: string
    labels: Record<string, boolean>
    source: 'lead' | 'agent'
    inquiryId: string
    principal: Principal
  },
): Promise<boolean> {
  if (Object.keys(example.labels).length === 0) return false
  const labels = Object.fromEntries(Object.entries(example.labels).sort(([a], [b]) => a.localeCompare(b)))
  const text = example.text.slice(0, 50_000)
  const created = await insertEscalationExample(deps.sql, {
    text,
    language: example.language,
    labels,
    source: example.source,
    inquiryId: example.inquiryId,
    authorKeyId: example.principal.keyId,
    contentHash: await sha256Hex(`${JSON.stringify(labels)}\n${text}`),
  })
  deps.escalation
    .refresh(deps)
    .catch((error: Error) => deps.logger.warn({ err: error.message }, 'escalation retraining failed; the previous model keeps serving'))
  return created
}
