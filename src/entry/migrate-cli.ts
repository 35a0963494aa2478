import { readMigrationStatus } from '../storage/migrate.js'
import { describeDatabase } from '../platform/node/storage/open.js'
import { prepareDatabase } from '../storage/prepare.js'
import { adminAccessNote, buildNodeDeps, refuseArguments, runMain } from '../platform/node/node-deps.js'

// npm run migrate: applies pending migrations (waiting for the database like the server does) and reports.
await runMain(async () => {
  const refused = refuseArguments('migrate')
  if (refused) return refused
  const deps = await buildNodeDeps()
  try {
    const before = await readMigrationStatus(deps.sql, deps.migrations).catch(() => undefined)
    const { adminAccess } = await prepareDatabase(deps)
    const applied = before?.pending ?? deps.migrations.map((migration) => migration.id)
    process.stdout.write(
      `${describeDatabase(deps.config)}: ${applied.length ? `applied ${applied.join(', ')}` : 'already up to date'} ` +
        `(${deps.migrations.length} migrations known)\n` +
        adminAccessNote(adminAccess),
    )
  } finally {
    await deps.sql.close()
  }
})
