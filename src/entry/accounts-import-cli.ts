import { readFile } from 'node:fs/promises'
import { upsertAccounts } from '../accounts/accounts.js'
import { parseAccountsCsv } from '../accounts/csv.js'
import { prepareDatabase } from '../storage/prepare.js'
import { buildNodeDeps, runMain } from '../platform/node/node-deps.js'

const usage = `usage: npm run accounts:import -- <file.csv>
  a header row, then one account per row: external_id,name,tier[,domains][,emails][,first_response_hours]
  tier: standard | premium | key_account; domains and emails separated by ";"`
const batchSize = 1000

// npm run accounts:import: loads a CRM export into the account directory. Every row is checked
// first; one bad row and nothing is written (exit 1, each problem with its line). Accounts with an
// externalId already stored are replaced.
await runMain(async () => {
  const [file, ...rest] = process.argv.slice(2)
  if (!file || rest.length > 0) {
    process.stderr.write(`${usage}\n`)
    return 2
  }
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new Error(`cannot read ${file}: ${error.message}`)
  })
  const { accounts, problems } = parseAccountsCsv(text)
  if (problems.length) {
    process.stderr.write(
      [`${file}: nothing imported, ${problems.length} problem(s):`, ...problems.slice(0, 50).map((problem) => `  ${problem}`)].join('\n') +
        '\n',
    )
    return 1
  }
  const deps = await buildNodeDeps()
  try {
    await prepareDatabase(deps)
    const totals = await deps.sql.transaction(async (tx) => {
      const sum = { created: 0, updated: 0 }
      for (let start = 0; start < accounts.length; start += batchSize) {
        const counts = await upsertAccounts({ ...deps, sql: tx }, null, { accounts: accounts.slice(start, start + batchSize) })
        sum.created += counts.created
        sum.updated += counts.updated
      }
      return sum
    })
    process.stdout.write(`${accounts.length} accounts read: ${totals.created} added, ${totals.updated} updated\n`)
    return 0
  } finally {
    await deps.sql.close()
  }
})
