import type { z } from 'zod'
import type { Principal } from '../auth/roles.js'
import type { Deps } from '../deps.js'
import { insertAudit } from '../storage/queries/audit.js'
import * as queries from '../storage/queries/data-subjects.js'
import { subjectKey, type DataExportSchema, type DataSubject } from './subject.js'

type DataExport = z.infer<typeof DataExportSchema>

const camel = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())

/** A row as the export shows it: camelCase names, times as ISO strings, bytes left out. */
function exportRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([name, value]) => [camel(name), value instanceof Date ? value.toISOString() : value]))
}

/**
 * GET /v1/data-subjects/export (DSGVO Art. 15): everything stored about the person, kind by kind, read
 * in one transaction so the kinds agree with each other. The export is audited by ids and counts only.
 */
export async function exportDataSubject(
  deps: Pick<Deps, 'sql' | 'clock'>,
  principal: Principal,
  subject: DataSubject,
): Promise<DataExport> {
  const key = subjectKey(subject)
  const at = deps.clock.now()
  return deps.sql.transaction(async (tx) => {
    const inquiryIds = await queries.lockSubjectInquiries(tx, key)
    const derived = await queries.findDerivedIds(tx, inquiryIds)
    const records = await queries.readInquiryRecords(tx, inquiryIds, derived)
    const accounts = 'email' in key ? await queries.readAccountsListing(tx, key.email) : []
    const kinds = { ...records, accounts }
    const counts = Object.fromEntries(Object.entries(kinds).map(([kind, rows]) => [kind, rows.length]))
    await insertAudit(
      tx,
      {
        actor: principal,
        action: 'export',
        entityType: 'data_subject',
        entityId: crypto.randomUUID(),
        before: null,
        after: { inquiryIds, counts },
      },
      at,
    )
    const rows = Object.fromEntries(Object.entries(kinds).map(([kind, list]) => [kind, list.map(exportRow)])) as Omit<
      DataExport,
      'exportedAt' | 'subject'
    >
    return { exportedAt: at.toISOString(), subject: key, ...rows }
  })
}
