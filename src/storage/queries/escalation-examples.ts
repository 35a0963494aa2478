import type { Sql } from '../sql.js'

export interface EscalationExampleInsert {
  text: string
  language: string
  labels: Record<string, boolean>
  source: 'lead' | 'agent'
  inquiryId: string | null
  authorKeyId: string | null
  contentHash: string
}

/** Stores a verdict as a labelled example; false when the same verdict on the same text exists. */
export async function insertEscalationExample(sql: Sql, example: EscalationExampleInsert): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO escalation_examples (text, language, labels, source, inquiry_id, author_key_id, content_hash)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7) ON CONFLICT (content_hash) DO NOTHING RETURNING id`,
    [
      example.text,
      example.language,
      JSON.stringify(example.labels),
      example.source,
      example.inquiryId,
      example.authorKeyId,
      example.contentHash,
    ],
  )
  return rows.length > 0
}

export interface EscalationExampleRow {
  text: string
  labels: Record<string, boolean>
  source: 'lead' | 'agent'
}

/** Every stored example in a stable order (the model's version hashes them in sorted order anyway). */
export function listEscalationExamples(sql: Sql): Promise<EscalationExampleRow[]> {
  return sql.query<EscalationExampleRow>('SELECT text, labels, source FROM escalation_examples ORDER BY content_hash')
}

/**
 * What the detector checks every few seconds: a stamp of the examples, which changes whenever one is
 * added or removed (it retrains then), and whether the account directory holds anything (triage skips
 * the account look-up while it is empty).
 */
export async function readEscalationInputs(sql: Sql): Promise<{ examplesStamp: string; hasAccounts: boolean }> {
  const [row] = await sql.query<{ stamp: string; has_accounts: boolean }>(
    `SELECT count(*)::text || ':' || coalesce(max(created_at)::text, '') AS stamp, EXISTS (SELECT 1 FROM accounts) AS has_accounts FROM escalation_examples`,
  )
  return { examplesStamp: row?.stamp ?? '0:', hasAccounts: row?.has_accounts ?? false }
}
