import type { Sql } from '../sql.js'
import type { AccountRow } from './accounts.js'

export interface SenderLookup {
  customerId: string | null
  email: string | null
  domain: string | null
  /** The inquiry's text, lower-cased, for account names written in it. */
  text: string
  since: Date
  /** An inquiry already stored (a webhook's) is not its own earlier contact. */
  excludeId: string | null
}

const earlierContacts = `
  SELECT count(*)::int FROM inquiries
   WHERE ($1::text IS NOT NULL OR $2::text IS NOT NULL) AND created_at >= $5 AND ($6::uuid IS NULL OR id <> $6::uuid)
     AND ((customer_id IS NOT NULL AND customer_id = $1) OR (customer_email IS NOT NULL AND lower(customer_email) = $2))`

/**
 * What the database knows about a sender, in one round trip: how many inquiries they sent since
 * `since` (by customer id or address), and, unless the directory is empty (`accounts: false`), the
 * accounts that may be theirs (by CRM id, address, domain, or a name of four characters or more in the
 * text; the caller checks word boundaries and ranks).
 */
export async function findSenderFacts(
  sql: Sql,
  sender: SenderLookup,
  options: { accounts: boolean },
): Promise<{ earlier: number; accounts: AccountRow[] }> {
  type Row = {
    earlier: number
    accounts?: Array<Omit<AccountRow, 'created_at' | 'updated_at'> & { created_at: string; updated_at: string }>
  }
  // Without accounts to look at, the text (kilobytes) need not travel to the database.
  const params = [sender.customerId, sender.email, sender.domain, options.accounts ? sender.text : '', sender.since, sender.excludeId]
  const [row] = options.accounts
    ? await sql.query<Row>(
        `SELECT (${earlierContacts}) AS earlier,
         coalesce((SELECT json_agg(a) FROM (
           SELECT id, external_id, name, tier, first_response_hours, domains, emails, created_at, updated_at FROM accounts
            WHERE ($1::text IS NOT NULL AND external_id = $1)
               OR ($2::text IS NOT NULL AND emails @> ARRAY[$2::text])
               OR ($3::text IS NOT NULL AND domains @> ARRAY[$3::text])
               OR (length(name) >= 4 AND strpos($4, lower(name)) > 0)
            LIMIT 20) a), '[]'::json) AS accounts`,
        params,
      )
    : // $3 and $4 unused here; typed so PostgreSQL accepts the same parameter list.
      await sql.query<Row>(`SELECT (${earlierContacts}) AS earlier, $3::text IS NULL AND $4::text IS NULL AS unused`, params)
  return {
    earlier: row?.earlier ?? 0,
    accounts: (row?.accounts ?? []).map((account) => ({
      ...account,
      created_at: new Date(account.created_at),
      updated_at: new Date(account.updated_at),
    })),
  }
}
