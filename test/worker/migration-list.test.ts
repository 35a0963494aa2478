import { describe, expect, it } from 'vitest'
import { loadMigrationFiles } from '../../src/platform/node/storage/migration-files.js'
import { bundledMigrations } from '../../src/platform/workers/migration-list.js'

// The Worker checks the schema against the list it bundles; a migration added without it would let /readyz
// say "current" on a database that lacks it.
describe('the migrations bundled into the Worker', () => {
  it('are the files in migrations/, by id and name', async () => {
    const files = await loadMigrationFiles()
    expect(bundledMigrations.map(({ id, name }) => ({ id, name }))).toEqual(files.map(({ id, name }) => ({ id, name })))
  })
})
