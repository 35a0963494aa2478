// Migration 0014 on a database that already holds corrections and drafts: the rows stored before it
// get the id of the inquiry they came from, so an erasure finds them too.
import { afterEach, describe, expect, it } from 'vitest'
import { migrate } from '../../src/storage/migrate.js'
import type { Sql } from '../../src/storage/sql.js'
import { migrations, testDatabases } from '../helpers/databases.js'

describe.each(testDatabases)('migration 0014 links old rows [$name]', (database) => {
  let sql: Sql | undefined
  afterEach(async () => sql?.close())

  it('links a correction by its text and a draft by its escalation, and leaves unrelated rows alone', async () => {
    sql = await database.open({ migrated: false })
    const all = await migrations()
    await migrate(
      sql,
      all.filter((migration) => migration.id < '0014'),
    )
    const [inquiry] = await sql.query<{ id: string }>(
      `INSERT INTO inquiries (subject, body, language, department, confidence, escalated, result, status)
       VALUES ('Rechnung', E'Die Rechnung ist falsch.\n', 'de', 'technical', 0.9, true, '{}', 'triaged') RETURNING id`,
    )
    const [escalation] = await sql.query<{ id: string }>(
      `INSERT INTO escalations (inquiry_id, department, score, reasons, due_at) VALUES ($1, 'technical', 0.9, '[]', now()) RETURNING id`,
      [inquiry!.id],
    )
    await sql.query(
      `INSERT INTO training_examples (text, department, language, source, content_hash) VALUES
         (E'Rechnung\n\nDie Rechnung ist falsch.', 'commercial', 'de', 'feedback', 'h1'),
         ('Die Rechnung ist falsch.', 'commercial', 'de', 'default', 'h2')`,
    )
    await sql.query(
      `INSERT INTO kb_articles (external_id, title, body, language, department, status, content_hash) VALUES
         ($1, 'Rechnung', 'Antwort', 'de', 'technical', 'draft', 'a1'), ('kb-other', 'Andere', 'Text', 'de', 'technical', 'published', 'a2')`,
      [`escalation:${escalation!.id}`],
    )

    await migrate(sql, all)
    expect(await sql.query('SELECT source, inquiry_id FROM training_examples ORDER BY content_hash')).toEqual([
      { source: 'feedback', inquiry_id: inquiry!.id },
      { source: 'default', inquiry_id: null },
    ])
    expect(await sql.query('SELECT external_id, inquiry_id FROM kb_articles ORDER BY external_id')).toEqual([
      { external_id: `escalation:${escalation!.id}`, inquiry_id: inquiry!.id },
      { external_id: 'kb-other', inquiry_id: null },
    ])
  })
})
