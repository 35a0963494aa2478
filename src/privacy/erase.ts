import { isUuid } from '../auth/api-keys.js'
import type { Principal } from '../auth/roles.js'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { insertAudit, type AuditEntry } from '../storage/queries/audit.js'
import * as queries from '../storage/queries/data-subjects.js'
import { lockModelInputs } from '../storage/queries/model-artifacts.js'
import type { Sql } from '../storage/sql.js'
import { pseudonymise } from './pseudonymise.js'
import { retrainAfterErasure } from './retrain.js'
import { subjectKey, type DataSubject, type Erasure } from './subject.js'

export type EraseDeps = Pick<Deps, 'sql' | 'clock' | 'logger' | 'classifier' | 'escalation' | 'config'>

/** Who asked, and what the erasure's own audit entry is about; it never holds the erased data. */
interface ErasureRecord {
  actor: AuditEntry['actor']
  action: string
  entityType: AuditEntry['entityType']
  entityId: string
  at: Date
}

/**
 * Erases the inquiries and everything derived from them inside the caller's transaction: audit entries
 * about them are pseudonymised, every derived row deleted, and the erasure audited by ids and counts.
 */
export async function eraseWithin(
  tx: Sql,
  inquiryIds: readonly string[],
  record: ErasureRecord,
  extra: { accountEmails?: number } = {},
): Promise<Omit<Erasure, 'retraining'>> {
  // Before any example goes: a model being stored meanwhile waits, then sees the examples gone (model-artifacts.ts).
  await lockModelInputs(tx)
  const derived = await queries.findDerivedIds(tx, inquiryIds)
  const images = await queries.listAuditImages(tx, inquiryIds, derived)
  for (const image of images)
    await queries.replaceAuditImage(tx, { id: image.id, before: pseudonymise(image.before), after: pseudonymise(image.after) })
  const records = await queries.deleteInquiryRecords(tx, inquiryIds, derived)
  const suggestionCopies = await queries.deleteSuggestionCopies(tx, derived.articleIds)
  const escalationModels = records.escalationExamples > 0 ? await queries.deleteModelArtifacts(tx, 'escalation') : 0
  const departmentModels = records.trainingExamples > 0 ? await queries.deleteModelArtifacts(tx, 'department') : 0
  const erasure = {
    erasureId: record.entityId,
    erased: { ...records, suggestionCopies, escalationModels, departmentModels, accountEmails: extra.accountEmails ?? 0 },
    pseudonymised: { auditEntries: images.length },
  }
  await insertAudit(
    tx,
    {
      actor: record.actor,
      action: record.action,
      entityType: record.entityType,
      entityId: record.entityId,
      before: null,
      after: { inquiryIds, erased: erasure.erased, pseudonymised: erasure.pseudonymised },
    },
    record.at,
  )
  return erasure
}

/** DELETE /v1/inquiries/{id}: one inquiry and everything derived from it, all or nothing. */
export async function eraseInquiry(deps: EraseDeps, principal: Principal, id: string): Promise<Erasure> {
  if (!isUuid(id)) throw new AppError('not_found', `No inquiry with id ${id}.`)
  const erasure = await deps.sql.transaction(async (tx) => {
    if (!(await queries.lockInquiry(tx, id))) throw new AppError('not_found', `No inquiry with id ${id}.`)
    return eraseWithin(tx, [id], { actor: principal, action: 'erase', entityType: 'inquiry', entityId: id, at: deps.clock.now() })
  })
  return { ...erasure, retraining: await retrainAfterErasure(deps, erasure.erased) }
}

/**
 * POST /v1/data-subjects/erase: every inquiry stored with this address or customer id, everything
 * derived from them, and the address in the account directory. Erasing someone unknown is not an
 * error: the answer counts nothing, and the request is audited all the same.
 */
export async function eraseDataSubject(deps: EraseDeps, principal: Principal, subject: DataSubject): Promise<Erasure> {
  const key = subjectKey(subject)
  const erasure = await deps.sql.transaction(async (tx) => {
    const inquiryIds = await queries.lockSubjectInquiries(tx, key)
    const accountEmails = 'email' in key ? await queries.removeAccountEmail(tx, key.email) : 0
    return eraseWithin(
      tx,
      inquiryIds,
      { actor: principal, action: 'erase', entityType: 'data_subject', entityId: crypto.randomUUID(), at: deps.clock.now() },
      { accountEmails },
    )
  })
  return { ...erasure, retraining: await retrainAfterErasure(deps, erasure.erased) }
}
