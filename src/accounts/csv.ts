import { parse } from 'csv-parse/sync'
import { fieldErrorsFrom } from '../errors.js'
import { AccountInputSchema, type AccountInput } from './accounts.js'

/**
 * A CRM export as accounts. A header row names the columns; common spellings are accepted
 * (external_id / externalId / id / customer_id, name / company, tier, domains, emails,
 * first_response_hours / sla_hours). Domains and e-mail addresses are separated by ";", "," or spaces;
 * the tier may be written "Key Account". Every bad row is reported; no row is returned unless all are good.
 */
export function parseAccountsCsv(text: string): { accounts: AccountInput[]; problems: string[] } {
  let records: Array<Record<string, string>>
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map(canonicalColumn),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: false,
    })
  } catch (error) {
    return { accounts: [], problems: [`not readable as CSV: ${(error as Error).message}`] }
  }
  if (records.length === 0) return { accounts: [], problems: ['no rows after the header'] }
  const missing = ['externalId', 'name', 'tier'].filter((column) => !(column in records[0]!))
  if (missing.length)
    return {
      accounts: [],
      problems: [`missing column(s): ${missing.join(', ')} (header: external_id, name, tier, domains, emails, first_response_hours)`],
    }
  const accounts: AccountInput[] = []
  const problems: string[] = []
  const seen = new Map<string, number>()
  records.forEach((record, index) => {
    const line = index + 2 // the header is line 1
    const parsed = AccountInputSchema.safeParse(toInput(record))
    if (!parsed.success) {
      problems.push(...fieldErrorsFrom(parsed.error.issues).map((error) => `line ${line}: ${error.field}: ${error.message}`))
      return
    }
    const earlier = seen.get(parsed.data.externalId)
    if (earlier) problems.push(`line ${line}: externalId: "${parsed.data.externalId}" repeats line ${earlier}`)
    seen.set(parsed.data.externalId, line)
    accounts.push(parsed.data)
  })
  return problems.length ? { accounts: [], problems } : { accounts, problems }
}

const aliases: Record<string, string> = {
  externalid: 'externalId',
  id: 'externalId',
  accountid: 'externalId',
  customerid: 'externalId',
  crmid: 'externalId',
  name: 'name',
  company: 'name',
  accountname: 'name',
  companyname: 'name',
  tier: 'tier',
  domains: 'domains',
  domain: 'domains',
  emails: 'emails',
  email: 'emails',
  firstresponsehours: 'firstResponseHours',
  slahours: 'firstResponseHours',
}

function canonicalColumn(header: string): string {
  const key = header.toLowerCase().replace(/[^a-z]/g, '')
  return aliases[key] ?? header
}

function toInput(record: Record<string, string>): Record<string, unknown> {
  const list = (value: string | undefined) => (value ? value.split(/[;,\s]+/).filter(Boolean) : [])
  const hours = record.firstResponseHours?.trim()
  return {
    externalId: record.externalId,
    name: record.name,
    tier: record.tier
      ?.trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
    domains: list(record.domains),
    emails: list(record.emails),
    // A non-number stays a string, so the schema names the field instead of a NaN slipping through.
    ...(hours ? { firstResponseHours: /^-?\d+([.,]\d+)?$/.test(hours) ? Number(hours.replace(',', '.')) : hours } : {}),
  }
}
