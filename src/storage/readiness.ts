import type { Deps } from '../deps.js'
import { readMigrationStatus } from './migrate.js'
import * as knowledgeQueries from './queries/knowledge.js'

export interface ReadinessReport {
  ready: boolean
  startup: Deps['startup']
  checks: {
    database: { status: 'up' | 'down'; dialect: string; latencyMs?: number; error?: string }
    /** version: the newest migration applied, of those this build knows (the schema version). */
    migrations: { status: 'current' | 'pending' | 'unknown'; applied: number; pending: string[]; version: string | null }
    embeddings: {
      provider: string
      requested: string
      reason: string
      space: string
      activeSpace: string | null
      coverage?: { chunks: number; embedded: number }
    }
  }
}

const probeTimeoutMs = 2000

/** Checks what a load balancer needs before sending traffic: the database answers and its schema is current. */
export async function checkReadiness(deps: Pick<Deps, 'sql' | 'migrations' | 'startup' | 'embeddings'>): Promise<ReadinessReport> {
  const started = performance.now()
  const database: ReadinessReport['checks']['database'] = { status: 'down', dialect: deps.sql.dialect }
  const migrations: ReadinessReport['checks']['migrations'] = { status: 'unknown', applied: 0, pending: [], version: null }
  const { target, selection } = deps.embeddings
  const embeddings: ReadinessReport['checks']['embeddings'] = { ...selection, space: target.id, activeSpace: null }
  try {
    await withTimeout(deps.sql.query('SELECT 1'), probeTimeoutMs)
    database.status = 'up'
    database.latencyMs = Math.round((performance.now() - started) * 10) / 10
    const status = await withTimeout(readMigrationStatus(deps.sql, deps.migrations), probeTimeoutMs)
    migrations.applied = status.applied.length
    migrations.pending = status.pending
    migrations.version = status.applied.at(-1) ?? null
    migrations.status = status.pending.length === 0 ? 'current' : 'pending'
    if (migrations.status === 'current') {
      embeddings.activeSpace = (await knowledgeQueries.findActiveSpace(deps.sql))?.id ?? null
      embeddings.coverage = await knowledgeQueries.countSpaceCoverage(deps.sql, embeddings.space)
    }
  } catch (error) {
    if (database.status === 'down') database.error = error instanceof Error ? error.message : String(error)
  }
  const ready = deps.startup.phase === 'ready' && database.status === 'up' && migrations.status === 'current'
  return { ready, startup: deps.startup, checks: { database, migrations, embeddings } }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
