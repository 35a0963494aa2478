import type { Sql } from '../sql.js'

// What erasure, retention and export need: every table that holds an inquiry or something derived
// from it, found by the inquiry's id (migrations/0014_data_protection.sql).

/** How a person is identified: the sender's address (any case) or the helpdesk's/CRM's customer id. */
export type SubjectKey = { email: string } | { customerId: string }

/** Records a lead's draft as coming from this inquiry, so erasing the inquiry finds it. */
export async function linkArticleToInquiry(sql: Sql, articleId: string, inquiryId: string): Promise<void> {
  await sql.query('UPDATE kb_articles SET inquiry_id = $2 WHERE id = $1', [articleId, inquiryId])
}

/** The person's inquiries, locked until the transaction ends, so nothing changes them mid-erasure. */
export async function lockSubjectInquiries(sql: Sql, subject: SubjectKey): Promise<string[]> {
  const rows =
    'email' in subject
      ? await sql.query<{ id: string }>('SELECT id FROM inquiries WHERE lower(customer_email) = lower($1) ORDER BY id FOR UPDATE', [
          subject.email,
        ])
      : await sql.query<{ id: string }>('SELECT id FROM inquiries WHERE customer_id = $1 ORDER BY id FOR UPDATE', [subject.customerId])
  return rows.map((row) => row.id)
}

export async function lockInquiry(sql: Sql, id: string): Promise<boolean> {
  return (await sql.query('SELECT id FROM inquiries WHERE id = $1 FOR UPDATE', [id])).length > 0
}

/** Up to `limit` inquiries created before `before`, oldest first; rows another purge holds are skipped. */
export async function lockExpiredInquiries(sql: Sql, before: Date, limit: number): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    'SELECT id FROM inquiries WHERE created_at < $1 ORDER BY created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED',
    [before, limit],
  )
  return rows.map((row) => row.id)
}

/** The ids of the records that carry an inquiry's data under their own id (for the audit log). */
export interface DerivedIds {
  escalationIds: string[]
  articleIds: string[]
}

export async function findDerivedIds(sql: Sql, inquiryIds: readonly string[]): Promise<DerivedIds> {
  const escalations = await sql.query<{ id: string }>('SELECT id FROM escalations WHERE inquiry_id = ANY($1::uuid[])', [inquiryIds])
  const escalationIds = escalations.map((row) => row.id)
  // A draft made before migration 0014 without a match is still found by its external id.
  const articles = await sql.query<{ id: string }>(
    'SELECT id FROM kb_articles WHERE inquiry_id = ANY($1::uuid[]) OR external_id = ANY($2::text[])',
    [inquiryIds, escalationIds.map((id) => `escalation:${id}`)],
  )
  return { escalationIds, articleIds: articles.map((row) => row.id) }
}

/** Rows deleted per kind; the keys are the kinds the API answers with. */
export interface ErasedRecords {
  inquiries: number
  escalations: number
  feedback: number
  trainingExamples: number
  trainingExampleVectors: number
  escalationExamples: number
  knowledgeBaseArticles: number
  jobs: number
  webhookDeliveries: number
}

async function deleteCounting(sql: Sql, statement: string, params: readonly unknown[]): Promise<number> {
  const [row] = await sql.query<{ n: number }>(`WITH gone AS (${statement} RETURNING 1) SELECT count(*)::int AS n FROM gone`, params)
  return row?.n ?? 0
}

/**
 * Deletes the inquiries and everything derived from them, children first so each kind is counted
 * (the foreign keys would cascade anyway). Call inside the erasure's transaction.
 */
export async function deleteInquiryRecords(sql: Sql, inquiryIds: readonly string[], derived: DerivedIds): Promise<ErasedRecords> {
  const ids = [inquiryIds]
  const examples = 'SELECT id FROM training_examples WHERE inquiry_id = ANY($1::uuid[])'
  return {
    jobs: await deleteCounting(sql, "DELETE FROM jobs WHERE payload ? 'inquiryId' AND payload ->> 'inquiryId' = ANY($1::text[])", ids),
    trainingExampleVectors: await deleteCounting(sql, `DELETE FROM training_example_embeddings WHERE example_id IN (${examples})`, ids),
    trainingExamples: await deleteCounting(sql, 'DELETE FROM training_examples WHERE inquiry_id = ANY($1::uuid[])', ids),
    escalationExamples: await deleteCounting(sql, 'DELETE FROM escalation_examples WHERE inquiry_id = ANY($1::uuid[])', ids),
    knowledgeBaseArticles: await deleteCounting(sql, 'DELETE FROM kb_articles WHERE id = ANY($1::uuid[])', [derived.articleIds]),
    feedback: await deleteCounting(sql, 'DELETE FROM inquiry_feedback WHERE inquiry_id = ANY($1::uuid[])', ids),
    webhookDeliveries: await deleteCounting(sql, 'DELETE FROM webhook_deliveries WHERE inquiry_id = ANY($1::uuid[])', ids),
    escalations: await deleteCounting(sql, 'DELETE FROM escalations WHERE inquiry_id = ANY($1::uuid[])', ids),
    inquiries: await deleteCounting(sql, 'DELETE FROM inquiries WHERE id = ANY($1::uuid[])', ids),
  }
}

/**
 * Triage results keep a copy of each suggested article (title, snippet, reply). Articles made from an
 * erased case were suggested to other customers too: those copies are taken out of the other
 * inquiries' stored results. Returns how many inquiries changed.
 */
export function deleteSuggestionCopies(sql: Sql, articleIds: readonly string[]): Promise<number> {
  if (articleIds.length === 0) return Promise.resolve(0)
  return sql
    .query<{ n: number }>(
      `WITH changed AS (
         UPDATE inquiries i SET result = jsonb_set(i.result, '{suggestions}', (
             SELECT coalesce(jsonb_agg(e.s ORDER BY e.n), '[]'::jsonb) FROM jsonb_array_elements(i.result -> 'suggestions') WITH ORDINALITY AS e (s, n)
              WHERE NOT (e.s ->> 'articleId' = ANY($1::text[]))))
          WHERE jsonb_typeof(i.result -> 'suggestions') = 'array'
            AND EXISTS (SELECT 1 FROM jsonb_array_elements(i.result -> 'suggestions') AS c (s) WHERE c.s ->> 'articleId' = ANY($1::text[]))
         RETURNING 1)
       SELECT count(*)::int AS n FROM changed`,
      [articleIds],
    )
    .then(([row]) => row?.n ?? 0)
}

/**
 * Stored models of a kind hold what their examples taught (escalation: the verdicts; department: the
 * labelled examples); all of them are dropped when such examples are erased, and retraining stores new ones.
 */
export function deleteModelArtifacts(sql: Sql, kind: 'department' | 'escalation'): Promise<number> {
  return deleteCounting(sql, 'DELETE FROM model_artifacts WHERE kind = $1', [kind])
}

/** Takes the address out of the account directory's contact lists (the accounts themselves stay). */
export function removeAccountEmail(sql: Sql, email: string): Promise<number> {
  return sql
    .query<{ n: number }>(
      `WITH changed AS (
         UPDATE accounts SET emails = array_remove(emails, lower($1)), updated_at = now() WHERE lower($1) = ANY(emails) RETURNING 1)
       SELECT count(*)::int AS n FROM changed`,
      [email],
    )
    .then(([row]) => row?.n ?? 0)
}

export interface AuditImage {
  id: string
  before: unknown
  after: unknown
}

/** The audit entries about these inquiries, their cases and drafts. */
export function listAuditImages(sql: Sql, inquiryIds: readonly string[], derived: DerivedIds): Promise<AuditImage[]> {
  return sql.query<AuditImage>(
    `SELECT id, before, after FROM audit_log
      WHERE (entity_type = 'inquiry' AND entity_id = ANY($1::uuid[])) OR (entity_type = 'escalation' AND entity_id = ANY($2::uuid[]))
         OR (entity_type = 'kb_article' AND entity_id = ANY($3::uuid[]))
      ORDER BY created_at, id`,
    [inquiryIds, derived.escalationIds, derived.articleIds],
  )
}

export async function replaceAuditImage(sql: Sql, image: AuditImage): Promise<void> {
  await sql.query('UPDATE audit_log SET before = $2::jsonb, after = $3::jsonb WHERE id = $1', [
    image.id,
    JSON.stringify(image.before ?? null),
    JSON.stringify(image.after ?? null),
  ])
}

/** Everything stored about these inquiries, kind by kind, as rows (snake_case; the caller renames). */
export async function readInquiryRecords(
  sql: Sql,
  inquiryIds: readonly string[],
  derived: DerivedIds,
): Promise<Record<string, Array<Record<string, unknown>>>> {
  const ids = [inquiryIds]
  const read = (text: string, params: readonly unknown[] = ids) => sql.query<Record<string, unknown>>(text, params)
  return {
    inquiries: await read(
      `SELECT id, external_id, subject, body, language, channel, customer_id, customer_name, customer_email, customer_tier, metadata, ticket,
              status, department, confidence, escalated, result, integration_id, created_at, triaged_at, written_back_at
         FROM inquiries WHERE id = ANY($1::uuid[]) ORDER BY created_at, id`,
    ),
    escalations: await read(
      `SELECT id, inquiry_id, status, department, score, reasons, due_at, claimed_at, resolved_at, resolution, final_department, reply,
              kb_article_id, warranted, policy_version, created_at, updated_at
         FROM escalations WHERE inquiry_id = ANY($1::uuid[]) ORDER BY created_at, id`,
    ),
    feedback: await read(
      `SELECT id, inquiry_id, used_article_id, edited, rating, correct_department, comment, created_at
         FROM inquiry_feedback WHERE inquiry_id = ANY($1::uuid[]) ORDER BY created_at, id`,
    ),
    trainingExamples: await read(
      `SELECT id, inquiry_id, text, department, language, source, created_at FROM training_examples
        WHERE inquiry_id = ANY($1::uuid[]) ORDER BY created_at, id`,
    ),
    escalationExamples: await read(
      `SELECT id, inquiry_id, text, language, labels, source, created_at FROM escalation_examples
        WHERE inquiry_id = ANY($1::uuid[]) ORDER BY created_at, id`,
    ),
    knowledgeBaseArticles: await read(
      `SELECT id, inquiry_id, external_id, title, body, language, status, created_at, updated_at FROM kb_articles
        WHERE id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [derived.articleIds],
    ),
    jobs: await read(
      `SELECT id, queue, status, payload, attempts, last_error, created_at, finished_at FROM jobs
        WHERE payload ? 'inquiryId' AND payload ->> 'inquiryId' = ANY($1::text[]) ORDER BY created_at, id`,
    ),
    webhookDeliveries: await read(
      `SELECT d.inquiry_id, i.name AS integration, d.key, d.created_at FROM webhook_deliveries d JOIN integrations i ON i.id = d.integration_id
        WHERE d.inquiry_id = ANY($1::uuid[]) ORDER BY d.created_at, d.key`,
    ),
    auditEntries: await read(
      `SELECT id, actor_name, actor_role, action, entity_type, entity_id, before, after, created_at FROM audit_log
        WHERE (entity_type = 'inquiry' AND entity_id = ANY($1::uuid[])) OR (entity_type = 'escalation' AND entity_id = ANY($2::uuid[]))
           OR (entity_type = 'kb_article' AND entity_id = ANY($3::uuid[]))
        ORDER BY created_at, id`,
      [inquiryIds, derived.escalationIds, derived.articleIds],
    ),
  }
}

/** The directory accounts that list this address as a contact (only the address itself, not the others). */
export function readAccountsListing(sql: Sql, email: string): Promise<Array<Record<string, unknown>>> {
  return sql.query('SELECT id, external_id, name, lower($1) AS email FROM accounts WHERE lower($1) = ANY(emails) ORDER BY external_id', [
    email,
  ])
}
