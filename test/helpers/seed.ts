import { loadDemoKnowledge } from '../../src/knowledge/demo.js'
import { readDefaultExamples, readDemoArticles } from '../../src/platform/node/knowledge-import/read-files.js'
import * as knowledgeQueries from '../../src/storage/queries/knowledge.js'
import { createPgliteSql, type PgliteSql } from '../../src/platform/node/storage/pglite.js'
import type { Sql } from '../../src/storage/sql.js'
import { loadDefaultExamples } from '../../src/triage/examples.js'
import { createTestApp, type TestApp } from './app.js'
import type { TestDatabase } from './databases.js'

/** Loads the shipped demo knowledge base and training examples, and trains the classifier on them. */
export async function seedDefaults(t: TestApp): Promise<void> {
  await loadDemoKnowledge(t.deps, readDemoArticles)
  await loadDefaultExamples(t.deps, readDefaultExamples)
  await trainClassifier(t)
}

async function trainClassifier(t: TestApp): Promise<void> {
  const active = await knowledgeQueries.findActiveSpace(t.deps.sql)
  await t.deps.classifier.refresh(t.deps, active!)
}

// Seeding PGlite (62 articles, 414 examples) takes seconds, many on a busy machine; a dump of one
// seeded database loads in a fraction of that, so each test file pays it once per worker at most.
let seededPgliteDump: Promise<Blob> | undefined
async function seededDump(): Promise<Blob> {
  const { testDatabases } = await import('./databases.js')
  const sql = (await testDatabases.find((database) => database.name === 'pglite')!.open()) as PgliteSql
  await seedDefaults(await createTestApp(sql))
  const dump = await sql.dump()
  await sql.close()
  return dump
}

/** A fresh database with the demo content and default examples, and an app whose classifier is trained. */
export async function openSeeded(
  database: TestDatabase,
  options: Parameters<typeof createTestApp>[1] = {},
): Promise<{ sql: Sql; t: TestApp }> {
  if (database.name === 'pglite') {
    const sql = await createPgliteSql({ loadDataDir: await (seededPgliteDump ??= seededDump()) })
    const t = await createTestApp(sql, options)
    await trainClassifier(t)
    return { sql, t }
  }
  const sql = await database.open()
  const t = await createTestApp(sql, options)
  await seedDefaults(t)
  return { sql, t }
}
