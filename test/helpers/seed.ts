import { loadDemoKnowledge } from '../../src/knowledge/demo.js'
import { readDefaultExamples, readDemoArticles } from '../../src/knowledge/import/read-files.js'
import * as knowledgeQueries from '../../src/storage/queries/knowledge.js'
import { loadDefaultExamples } from '../../src/triage/examples.js'
import type { TestApp } from './app.js'

/** Loads the shipped demo knowledge base and training examples, and trains the classifier on them. */
export async function seedDefaults(t: TestApp): Promise<void> {
  await loadDemoKnowledge(t.deps, readDemoArticles)
  await loadDefaultExamples(t.deps, readDefaultExamples)
  const active = await knowledgeQueries.findActiveSpace(t.deps.sql)
  await t.deps.classifier.refresh(t.deps, active!)
}
