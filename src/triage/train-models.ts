import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import * as knowledgeQueries from '../storage/queries/knowledge.js'
import * as artifactQueries from '../storage/queries/model-artifacts.js'

/** A stored model as the CLI reports it. */
export interface StoredModelSummary {
  version: string
  trainedFor: string
  bytes: number
}

/**
 * Brings both stored models up to date with the stored examples, verdicts and policy: each is loaded
 * when a model for the current inputs is stored, trained and stored otherwise. What `npm run
 * models:train` runs, so a Workers deployment (which never trains) gets its models without a Node server.
 */
export async function trainModels(
  deps: Pick<Deps, 'sql' | 'config' | 'logger' | 'classifier' | 'escalation'>,
): Promise<{ department: StoredModelSummary; escalation: StoredModelSummary }> {
  const active = await knowledgeQueries.findActiveSpace(deps.sql)
  if (!active) throw new AppError('service_unavailable', 'No embedding space is active: the department model is trained in one.')
  await deps.classifier.refresh(deps, active)
  await deps.escalation.refresh(deps, { wait: true })
  const [department] = (await artifactQueries.listArtifacts(deps.sql, 'department')).filter((row) => row.spaceId === active.id)
  const [escalation] = await artifactQueries.listArtifacts(deps.sql, 'escalation')
  if (!department || !escalation) throw new Error('the models were trained but could not be stored; the log says why')
  return {
    department: { version: department.version, trainedFor: `space ${active.id}, examples ${department.stamp}`, bytes: department.bytes },
    escalation: { version: escalation.version, trainedFor: `policy and verdicts ${escalation.stamp}`, bytes: escalation.bytes },
  }
}
