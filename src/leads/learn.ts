import type { Deps } from '../deps.js'
import * as knowledgeQueries from '../storage/queries/knowledge.js'
import { addExamples } from '../triage/examples.js'

/**
 * A human's department decision (an agent's correction, a lead's final department) becomes a labelled
 * example, and the classifier retrains before this returns, so the next similar inquiry already benefits.
 */
export async function learnDepartment(
  deps: Pick<Deps, 'sql' | 'embeddings' | 'classifier' | 'logger'>, example: { text: string; department: 'technical' | 'commercial'; language: string },
): Promise<boolean> {
  const language = /^[a-z]{2}$/.test(example.language) ? example.language : undefined
  const result = await addExamples(deps, [{ text: example.text.slice(0, 50_000), department: example.department, ...(language ? { language } : {}) }], 'feedback')
  await retrain(deps)
  return result.created > 0
}

/** Retrains in the background after examples were added here, so this process need not wait for its next check. */
export function refreshClassifierSoon(deps: Pick<Deps, 'sql' | 'classifier' | 'logger'>): void {
  retrain(deps).catch((error: Error) => deps.logger.warn({ err: error.message }, 'classifier retraining failed; the previous model keeps serving'))
}

/** Retrains on the stored examples of the active embedding space; without one there is nothing to train on. */
async function retrain(deps: Pick<Deps, 'sql' | 'classifier' | 'logger'>): Promise<void> {
  const active = await knowledgeQueries.findActiveSpace(deps.sql)
  if (active) await deps.classifier.refresh(deps, active)
}
