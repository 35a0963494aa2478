import type { Deps } from '../deps.js'
import * as knowledgeQueries from '../storage/queries/knowledge.js'
import type { ErasedRecords } from '../storage/queries/data-subjects.js'
import type { Erasure } from './subject.js'

/**
 * Models trained on erased examples must not keep them. Both models fingerprint their training set
 * (count and newest row), so every other process retrains at its next check (within seconds); this
 * process retrains the department classifier before answering and starts the escalation detector's
 * retraining, which takes longer (the previous model serves until then, as after any new verdict).
 */
export async function retrainAfterErasure(
  deps: Pick<Deps, 'sql' | 'config' | 'logger' | 'classifier' | 'escalation'>,
  erased: Pick<ErasedRecords, 'trainingExamples' | 'escalationExamples'>,
): Promise<Erasure['retraining']> {
  const retraining = { departmentClassifier: false, escalationDetector: false }
  if (erased.trainingExamples > 0) {
    try {
      const active = await knowledgeQueries.findActiveSpace(deps.sql)
      if (active) await deps.classifier.refresh(deps, active)
      retraining.departmentClassifier = true
    } catch (error) {
      deps.logger.warn({ err: (error as Error).message }, 'classifier retraining after an erasure failed; it retrains at its next check')
    }
  }
  if (erased.escalationExamples > 0) {
    deps.escalation
      .refresh(deps)
      .catch((error: Error) =>
        deps.logger.warn({ err: error.message }, 'escalation retraining after an erasure failed; it retrains at its next check'),
      )
    retraining.escalationDetector = true
  }
  return retraining
}
