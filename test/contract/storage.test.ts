import { afterEach, describe, expect, it } from 'vitest'
import { explainMigrationFailure, migrate, MigrationError, readMigrationStatus } from '../../src/storage/migrate.js'
import type { Sql } from '../../src/storage/sql.js'
import { vectorLiteral } from '../../src/storage/vector-param.js'
import { migrations, testDatabases } from '../helpers/databases.js'

describe.each(testDatabases)('storage contract [$name]', (database) => {
  const opened: Sql[] = []
  const open = async (options?: { migrated?: boolean }) => {
    const sql = await database.open(options)
    opened.push(sql)
    return sql
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((sql) => sql.close()))
  })

  it('runs parameterised queries and returns parsed rows', async () => {
    const sql = await open()
    const rows = await sql.query<{ n: number; t: string; j: { a: number }; d: Date }>(
      `SELECT $1::int AS n, $2::text AS t, $3::jsonb AS j, now() AS d`,
      [41 + 1, 'Grüße', JSON.stringify({ a: 1 })],
    )
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ n: 42, t: 'Grüße', j: { a: 1 } })
    expect(rows[0]!.d).toBeInstanceOf(Date)
  })

  it('sends a Float32Array parameter as exactly the vector its text form gives, in and out of transactions', async () => {
    const sql = await open()
    // Values whose shortest decimal text is long, a tiny and a negative one, and repeats (hashing vectors).
    const vector = Float32Array.from({ length: 1024 }, (_, i) => (i % 7 === 0 ? 0 : Math.fround(Math.sin(i) / (1 + (i % 13)))))
    vector[5] = 1e-30
    const statement = (dims: number) =>
      `SELECT $1::vector(${dims})::text AS sent, ($1::vector(${dims}) <=> $2::vector(${dims})) AS distance, $3::text AS label`
    const [row] = await sql.query<{ sent: string; distance: number; label: string }>(statement(1024), [
      vector,
      vectorLiteral(vector),
      'beside it',
    ])
    expect(row!.sent).toBe((await sql.query<{ t: string }>(`SELECT $1::vector(1024)::text AS t`, [vectorLiteral(vector)]))[0]!.t)
    expect(row).toMatchObject({ distance: 0, label: 'beside it' })
    const inside = await sql.transaction((tx) =>
      tx.query<{ sent: string }>(statement(3), [new Float32Array([0.1, -2.5, 3e-8]), '[1,1,1]', 'x']),
    )
    expect(inside[0]!.sent).toBe('[0.1,-2.5,3e-08]')
    // The typmod still checks the size.
    await expect(sql.query(statement(3), [vector, '[1,1,1]', 'x'])).rejects.toThrow(/expected 3 dimensions, not 1024/)
  })

  it('commits a transaction and rolls one back when it throws', async () => {
    const sql = await open()
    await sql.exec('CREATE TABLE notes (body text NOT NULL)')
    await sql.transaction(async (tx) => {
      await tx.query('INSERT INTO notes VALUES ($1)', ['kept'])
    })
    await expect(
      sql.transaction(async (tx) => {
        await tx.query('INSERT INTO notes VALUES ($1)', ['lost'])
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await sql.query('SELECT body FROM notes')).toEqual([{ body: 'kept' }])
  })

  it('rolls back a nested transaction to its savepoint only', async () => {
    const sql = await open()
    await sql.exec('CREATE TABLE notes (body text NOT NULL)')
    await sql.transaction(async (tx) => {
      await tx.query('INSERT INTO notes VALUES ($1)', ['outer'])
      await expect(
        tx.transaction(async (inner) => {
          await inner.query('INSERT INTO notes VALUES ($1)', ['inner'])
          await inner.query('INSERT INTO notes VALUES (NULL)') // violates NOT NULL
        }),
      ).rejects.toThrow()
    })
    expect(await sql.query('SELECT body FROM notes')).toEqual([{ body: 'outer' }])
  })

  it('hides uncommitted writes from other statements and shows them after commit', async () => {
    const sql = await open()
    await sql.exec('CREATE TABLE notes (body text NOT NULL)')
    let release!: () => void
    let inserted!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const didInsert = new Promise<void>((resolve) => (inserted = resolve))
    const count = async () => (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM notes'))[0]!.n
    const writer = sql.transaction(async (tx) => {
      await tx.query('INSERT INTO notes VALUES ($1)', ['pending'])
      inserted()
      await held
    })
    await didInsert
    // PostgreSQL answers from another pooled connection; PGlite has one connection and queues the
    // statement behind the open transaction, so it can only be asked after the commit.
    const during = sql.dialect === 'postgres' ? await count() : undefined
    const queued = sql.dialect === 'pglite' ? count() : undefined
    release()
    await writer
    if (sql.dialect === 'postgres') expect(during).toBe(0)
    expect(await (queued ?? count())).toBe(1)
  })

  it('applies every migration once, records it, and finds nothing to do the second time', async () => {
    const sql = await open({ migrated: false })
    const files = await migrations()
    expect((await readMigrationStatus(sql, files)).pending).toEqual(files.map((m) => m.id))
    expect(await migrate(sql, files)).toEqual(files.map((m) => m.id))
    expect(await migrate(sql, files)).toEqual([])
    const recorded = await sql.query<{ id: string; name: string }>('SELECT id, name FROM schema_migrations ORDER BY id')
    expect(recorded.map((row) => row.id)).toEqual(files.map((m) => m.id))
    expect(await readMigrationStatus(sql, files)).toEqual({ applied: files.map((m) => m.id), pending: [] })
    const [ext] = await sql.query<{ extname: string }>(`SELECT extname FROM pg_extension WHERE extname = 'vector'`)
    expect(ext?.extname).toBe('vector')
  })

  it('applies migrations once when two runners start together', async () => {
    const files = await migrations()
    const sql = await open({ migrated: false })
    const results = await Promise.all([migrate(sql, files), migrate(sql, files), migrate(sql, files)])
    expect(results.flat().sort()).toEqual(files.map((m) => m.id))
    const [{ n }] = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations')) as [{ n: number }]
    expect(n).toBe(files.length)
  })

  it('leaves nothing behind when a migration fails half-way', async () => {
    const sql = await open({ migrated: false })
    const broken = [
      ...(await migrations()),
      { id: '9998', name: 'good', sql: 'CREATE TABLE half_done (id int)' },
      { id: '9999', name: 'bad', sql: 'CREATE TABLE broken (id int REFERENCES nowhere(id))' },
    ]
    await expect(migrate(sql, broken)).rejects.toThrow()
    expect(await sql.query(`SELECT to_regclass('half_done') AS t`)).toEqual([{ t: null }])
    expect((await readMigrationStatus(sql, broken)).applied).toEqual([])
  })

  it('explains a missing extension with instructions instead of the bare server error', async () => {
    const sql = await open()
    const failure = await sql.exec('CREATE EXTENSION IF NOT EXISTS no_such_extension_for_tests').then(
      () => undefined,
      (error: unknown) => error,
    )
    const explained = explainMigrationFailure(failure)
    expect(explained).toBeInstanceOf(MigrationError)
    expect((explained as Error).message).toMatch(/no "no_such_extension_for_tests" extension installed/)
    const vectorMissing = explainMigrationFailure(Object.assign(new Error('extension "vector" is not available'), { code: '0A000' }))
    expect((vectorMissing as Error).message).toMatch(/Install pgvector.*postgresql-<major>-pgvector/)
  })
})
