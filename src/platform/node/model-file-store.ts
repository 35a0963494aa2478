import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { databaseModelStore, type ModelStore } from '../../triage/escalation/detector-service.js'

/**
 * Escalation models kept as files as well as in the database, for processes that start on an empty
 * database again and again (the eval on in-memory PGlite, the test suite): the first one trains, the
 * others read the file. A model's name is the hash of everything it learned from, so a stale file is
 * never read for a changed corpus.
 */
export function createFileModelStore(folder: string, inner: ModelStore = databaseModelStore): ModelStore {
  const fileOf = (version: string) => join(folder, `${version.replace(/[^a-z0-9-]/gi, '_')}.bin`)
  return {
    async get(sql, version) {
      const stored = await readFile(fileOf(version)).catch(() => undefined)
      if (!stored) return inner.get(sql, version)
      // Read means used: the pruning below keeps the models in use, whatever their age.
      const now = new Date()
      await utimes(fileOf(version), now, now).catch(() => undefined)
      return new Uint8Array(stored)
    },
    async put(sql, version, model) {
      await inner.put(sql, version, model)
      // Written under a temporary name first, so a concurrent reader never sees half a file. Only a
      // cache: a read-only installation keeps working from the database.
      const temporary = `${fileOf(version)}.${process.pid}.tmp`
      await mkdir(folder, { recursive: true })
        .then(() => writeFile(temporary, model))
        .then(() => rename(temporary, fileOf(version)))
        .then(() => pruneOldest(folder, keepFiles))
        .catch(() => undefined)
    },
  }
}

/** Models are about 15 MB; a few versions are plenty for switching between branches. */
const keepFiles = 6

async function pruneOldest(folder: string, keep: number): Promise<void> {
  const files = await Promise.all(
    (await readdir(folder))
      .filter((name) => name.endsWith('.bin'))
      .map(async (name) => ({ name, at: (await stat(join(folder, name))).mtimeMs })),
  )
  for (const { name } of files.sort((a, b) => b.at - a.at).slice(keep)) await unlink(join(folder, name)).catch(() => undefined)
}

/** Where the eval and the tests keep trained models: node_modules/.cache, which npm ci clears. */
export const modelCacheFolder = new URL('../../../node_modules/.cache/inquiry-triage/escalation-models/', import.meta.url).pathname
