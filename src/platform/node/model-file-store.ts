import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { databaseModelStore, type ModelStore } from '../../triage/model-store.js'

export interface FileModelStoreOptions {
  inner?: ModelStore
  /**
   * Whether a model the files already hold is copied into the database when it is saved there (a
   * throwaway test database skips the 15 MB write; a service's database is the source of truth that
   * Worker isolates load from, so it gets the copy).
   */
  copyCachedToDatabase?: boolean
}

/**
 * Escalation models kept as files as well as in the database, for processes that start on an empty
 * database again and again (the eval on in-memory PGlite, the test suite, a developer's fresh data
 * folder): the first one trains, the others read the file. A model's name is the hash of everything it
 * learned from, so a stale file is never read for a changed corpus. Department models are small and
 * quick to train: they go to the database only.
 */
export function createFileModelStore(folder: string, options: FileModelStoreOptions = {}): ModelStore {
  const inner = options.inner ?? databaseModelStore
  const copyCached = options.copyCachedToDatabase ?? true
  const fileOf = (version: string) => join(folder, `${version.replace(/[^a-z0-9-]/gi, '_')}.bin`)
  return {
    ...inner,
    async read(sql, scope, version) {
      const stored = scope.kind === 'escalation' ? await readFile(fileOf(version)).catch(() => undefined) : undefined
      if (!stored) return inner.read(sql, scope, version)
      // Read means used: the pruning below keeps the models in use, whatever their age.
      const now = new Date()
      await utimes(fileOf(version), now, now).catch(() => undefined)
      return new Uint8Array(stored)
    },
    async save(sql, artifact, model, stillCurrent) {
      if (artifact.kind !== 'escalation') return inner.save(sql, artifact, model, stillCurrent)
      const cached = await stat(fileOf(artifact.version)).then(
        () => true,
        () => false,
      )
      if (copyCached || !cached) {
        // Not stored (the inputs changed, an erasure say): not cached either.
        if (!(await inner.save(sql, artifact, model, stillCurrent))) return false
      }
      if (cached) return true
      // Written under a temporary name first, so a concurrent reader never sees half a file. Only a
      // cache: a read-only installation keeps working from the database.
      const temporary = `${fileOf(artifact.version)}.${process.pid}.tmp`
      await mkdir(folder, { recursive: true })
        .then(() => writeFile(temporary, model))
        .then(() => rename(temporary, fileOf(artifact.version)))
        .then(() => pruneOldest(folder, keepFiles))
        .catch(() => undefined)
      return true
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
