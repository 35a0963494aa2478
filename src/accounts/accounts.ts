import { z } from 'zod'
import type { Principal } from '../auth/roles.js'
import type { Deps } from '../deps.js'
import * as queries from '../storage/queries/accounts.js'
import { insertAudit } from '../storage/queries/audit.js'

/**
 * The customer directory: which senders belong to which account, the account's tier (key accounts
 * escalate) and its first-response time (the SLA). Filled from a CRM by POST /v1/accounts or
 * `npm run accounts:import`; triage matches every inquiry's sender against it.
 */

export const accountTiers = ['standard', 'premium', 'key_account'] as const

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'must be a domain such as example.com (no "@", no "https://")',
  )

export const AccountInputSchema = z
  .object({
    externalId: z.string().trim().min(1).max(200).meta({ description: "The CRM's id; an upsert replaces the account with this id" }),
    name: z
      .string()
      .trim()
      .min(2)
      .max(300)
      .meta({ description: "Company or customer name; from four characters on it is also looked for in the inquiry's text" }),
    domains: z
      .array(domain)
      .max(100)
      .default([])
      .meta({ description: 'E-mail domains of the account: every sender at them belongs to it' }),
    emails: z.array(z.string().trim().toLowerCase().email('must be an e-mail address')).max(1000).default([]),
    tier: z.enum(accountTiers),
    firstResponseHours: z
      .number({ error: 'must be a number of hours' })
      .positive('must be more than 0')
      .max(24 * 90)
      .optional()
      .meta({ description: "Agreed first-response time; otherwise the tier's (SLA_FIRST_RESPONSE_HOURS)" }),
  })
  .strict()
  .meta({ id: 'AccountInput' })

export const UpsertAccountsSchema = z
  .object({ accounts: z.array(AccountInputSchema).min(1).max(1000) })
  .strict()
  .superRefine(({ accounts }, context) => {
    const seen = new Map<string, number>()
    accounts.forEach((account, index) => {
      const first = seen.get(account.externalId)
      if (first !== undefined)
        context.addIssue({ code: 'custom', path: ['accounts', index, 'externalId'], message: `repeats accounts.${first}.externalId` })
      seen.set(account.externalId, index)
    })
  })
  .meta({ id: 'UpsertAccounts' })

export const AccountSchema = z
  .object({
    id: z.string().uuid(),
    externalId: z.string(),
    name: z.string(),
    tier: z.enum(accountTiers),
    firstResponseHours: z.number().nullable(),
    domains: z.array(z.string()),
    emails: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Account' })

export type Account = z.infer<typeof AccountSchema>
export type AccountInput = z.output<typeof AccountInputSchema>

export function toAccount(row: queries.AccountRow): Account {
  return {
    id: row.id,
    externalId: row.external_id,
    name: row.name,
    tier: row.tier,
    firstResponseHours: row.first_response_hours,
    domains: row.domains,
    emails: row.emails,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

/** Inserts or replaces every account of the batch, all or none, with one audit entry. */
export async function upsertAccounts(
  deps: Pick<Deps, 'sql' | 'clock'>,
  principal: Principal | null,
  input: z.output<typeof UpsertAccountsSchema>,
): Promise<{ created: number; updated: number }> {
  const at = deps.clock.now()
  return deps.sql.transaction(async (tx) => {
    const counts = await queries.upsertAccounts(
      tx,
      input.accounts.map((account) => ({ ...account, firstResponseHours: account.firstResponseHours ?? null })),
      at,
    )
    if (principal) {
      await insertAudit(
        tx,
        {
          actor: principal,
          action: 'accounts_upsert',
          entityType: 'account_import',
          entityId: crypto.randomUUID(),
          before: null,
          after: { ...counts, externalIds: input.accounts.slice(0, 100).map((account) => account.externalId) },
        },
        at,
      )
    }
    return counts
  })
}

export async function listAccounts(
  deps: Pick<Deps, 'sql'>,
  filter: { q?: string | undefined; tier?: string | undefined; limit: number; offset: number },
) {
  const page = await queries.listAccounts(deps.sql, filter)
  return { items: page.rows.map(toAccount), total: page.total }
}

/** How the sender was recognised, strongest first. */
export type AccountMatch = { account: Account; matchedBy: 'customer_id' | 'email' | 'domain' | 'name' }

const strength = { customer_id: 0, email: 1, domain: 2, name: 3 } as const

/**
 * The account an inquiry comes from, among the candidates the database found (storage/queries/sender.ts):
 * its customer id, its sender's address or domain, or else the account name written in the text as a
 * whole word. The strongest match wins; among names, the longest.
 */
export function pickAccount(
  rows: readonly queries.AccountRow[],
  sender: { customerId: string | null; email: string | null; domain: string | null; text: string },
): AccountMatch | undefined {
  const matches = rows.flatMap((row): AccountMatch[] => {
    const matchedBy =
      row.external_id === sender.customerId
        ? 'customer_id'
        : sender.email && row.emails.includes(sender.email)
          ? 'email'
          : sender.domain && row.domains.includes(sender.domain)
            ? 'domain'
            : nameInText(row.name, sender.text)
              ? 'name'
              : undefined
    return matchedBy ? [{ account: toAccount(row), matchedBy }] : []
  })
  return matches.sort((a, b) => strength[a.matchedBy] - strength[b.matchedBy] || b.account.name.length - a.account.name.length)[0]
}

/** How a sender is looked up: trimmed id, lower-cased address and its domain, lower-cased text. */
export function senderKeys(sender: { customerId?: string | undefined; email?: string | undefined; text: string }) {
  const email = sender.email?.trim().toLowerCase() || null
  return {
    customerId: sender.customerId?.trim() || null,
    email,
    domain: email?.includes('@') ? email.slice(email.lastIndexOf('@') + 1) : null,
    text: sender.text.normalize('NFC').toLowerCase(),
  }
}

function nameInText(name: string, text: string): boolean {
  const needle = name.normalize('NFC').toLowerCase()
  let from = text.indexOf(needle)
  while (from >= 0) {
    const before = text[from - 1]
    const after = text[from + needle.length]
    if (!isWordCharacter(before) && !isWordCharacter(after)) return true
    from = text.indexOf(needle, from + 1)
  }
  return false
}

const isWordCharacter = (character: string | undefined) => character !== undefined && /[\p{L}\p{N}_]/u.test(character)
