import type { Migration } from '../../../storage/migrate.js'

const fileName = /^(\d{4})_([a-z0-9_]+)\.sql$/

/** Reads migrations/*.sql from disk (Node only; the Workers build bundles only their ids, src/platform/workers/migration-list.ts). */
export async function loadMigrationFiles(directory = new URL('../../../../migrations/', import.meta.url)): Promise<Migration[]> {
  const { readdir, readFile } = await import('node:fs/promises')
  const names = (await readdir(directory)).filter((name) => name.endsWith('.sql')).sort()
  return Promise.all(
    names.map(async (name) => {
      const match = fileName.exec(name)
      if (!match) throw new Error(`Migration file ${name} does not match NNNN_name.sql`)
      return { id: match[1]!, name: match[2]!, sql: await readFile(new URL(name, directory), 'utf8') }
    }),
  )
}
