import type { PGlite, QueryOptions } from '@electric-sql/pglite'
import { sessionSettings, type SessionOptions } from '../../../storage/session.js'
import { transactionScope, type Row, type Sql } from '../../../storage/sql.js'
import { mapVectorParams, vectorBinary, vectorLiteral } from '../../../storage/vector-param.js'

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
  const vectors = vectorSerializer()

  return {
    dialect: 'pglite',
    query: async <T = Row>(text: string, params?: readonly unknown[]) => (await vectors.query<T>(db, text, params)).rows,
    exec: async (text) => {
      await db.exec(text)
    },
    transaction: (fn) =>
      db.transaction((tx) =>
        fn(
          transactionScope('pglite', {
            query: async (text, params) => (await vectors.query<Row>(tx, text, params)).rows,
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

type Queryable = Pick<PGlite, 'query'>

/**
 * Float32Array parameters (vectors, see src/storage/vector-param.ts) go to PGlite in pgvector's binary
 * form: PGlite binds a Uint8Array in binary format, but only what a serializer for the parameter's type
 * returns, so the statement gets one for the vector type's OID (looked up once, on the connection that
 * runs the first such statement: inside a transaction another query on the database would wait for
 * it). Before the extension exists, the text form.
 */
function vectorSerializer() {
  let options: QueryOptions | undefined
  const encode = (value: unknown) => (value instanceof Float32Array ? vectorBinary(value) : String(value))
  return {
    async query<T>(target: Queryable, text: string, params: readonly unknown[] | undefined) {
      if (!params?.some((value) => value instanceof Float32Array)) return target.query<T>(text, params as unknown[] | undefined)
      if (!options) {
        const [row] = (await target.query<{ oid: number | null }>(`SELECT to_regtype('vector')::oid AS oid`)).rows
        if (!row?.oid) return target.query<T>(text, mapVectorParams(params, vectorLiteral))
        // Typed as returning text, but PGlite's bind sends any ArrayBuffer view in binary format (the
        // storage contract test checks the vectors that arrive).
        options = { serializers: { [row.oid]: encode as (value: unknown) => string } }
      }
      return target.query<T>(text, params as unknown[], options)
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
