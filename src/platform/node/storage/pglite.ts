import type { PGlite } from '@electric-sql/pglite'
import { sessionSettings, type SessionOptions } from '../../../storage/session.js'
import { transactionScope, type Row, type Sql } from '../../../storage/sql.js'

export interface PgliteOptions extends SessionOptions {
  /** Folder for the database files; omitted means in memory (tests, evals). */
  dataDir?: string
  /** A dump (from dumpDataDir) to start from, which is far faster than creating and migrating afresh. */
  loadDataDir?: Blob
}

/** PGlite adapter: the embedded default, PostgreSQL compiled to WASM with pgvector loaded. */
export type PgliteSql = Sql & { dump(): Promise<Blob> }

export async function createPgliteSql(options: PgliteOptions = {}): Promise<PgliteSql> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { vector } = await import('@electric-sql/pglite-pgvector')
  const release = options.dataDir ? await lockDataDir(options.dataDir) : async () => {}
  let db: PGlite
  try {
    db = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      extensions: { vector },
    })
  } catch (error) {
    await release()
    throw error
  }

  await db.exec(sessionSettings(options))

  return {
    dialect: 'pglite',
    query: async <T = Row>(text: string, params?: readonly unknown[]) => (await db.query<T>(text, params as unknown[] | undefined)).rows,
    exec: async (text) => {
      await db.exec(text)
    },
    transaction: (fn) =>
      db.transaction((tx) =>
        fn(
          transactionScope('pglite', {
            query: async (text, params) => (await tx.query<Row>(text, params as unknown[] | undefined)).rows,
            exec: async (text) => void (await tx.exec(text)),
          }),
        ),
      ),
    dump: () => db.dumpDataDir('none'),
    async close() {
      if (!db.closed) await db.close()
      await release()
    },
  }
}

/**
 * PGlite is single-process: two processes writing one folder would corrupt it. A pid file makes the
 * second one (a CLI while the server runs, say) fail with a message instead.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const fs = await import('node:fs/promises')
  const path = await import('node:path')
  await fs.mkdir(dataDir, { recursive: true })
  const lockFile = path.join(dataDir, 'inquiry-triage.pid')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lockFile, String(process.pid), { flag: 'wx' })
      return async () => {
        await fs.rm(lockFile, { force: true })
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number(await fs.readFile(lockFile, 'utf8').catch(() => ''))
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `The embedded database in ${dataDir} is in use by process ${holder}. ` +
            'Stop that process first, or use the HTTP API while it runs (PGlite allows one process per folder).',
        )
      }
      await fs.rm(lockFile, { force: true }) // left behind by a process that died
    }
  }
  throw new Error(`Could not lock ${lockFile}`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
