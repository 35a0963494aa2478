// The migrations this bundle knows, by id and name: the Worker does not apply them (`npm run migrate` does,
// before deploy) but /readyz compares the database's schema_migrations with them. Kept equal to migrations/
// by test/worker/migration-list.test.ts; the SQL itself stays out of the bundle.
import type { Migration } from '../../storage/migrate.js'

const known: Array<[id: string, name: string]> = [
  ['0001', 'vector'],
  ['0002', 'api_keys'],
  ['0003', 'knowledge_base'],
  ['0004', 'triage'],
  ['0005', 'jobs'],
  ['0006', 'selective_text_query'],
  ['0007', 'integrations'],
  ['0008', 'inline_vectors'],
  ['0009', 'leads'],
  ['0010', 'ui_sessions'],
  ['0011', 'job_priority'],
  ['0012', 'secret_overlap'],
  ['0013', 'escalation_policy'],
  ['0014', 'data_protection'],
  ['0015', 'secrets_at_rest'],
  ['0016', 'inquiry_submitter'],
  ['0017', 'article_review'],
  ['0018', 'report_columns'],
  ['0019', 'model_artifacts'],
]

export const bundledMigrations: readonly Migration[] = known.map(([id, name]) => ({ id, name, sql: '' }))
