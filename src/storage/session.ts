/**
 * Settings every database session starts with. Iterative scans let a filtered kNN (department,
 * language) keep scanning until it has k rows instead of returning fewer. JIT is off: the service's
 * queries are short, and the report queries' subplan estimates crossed jit_above_cost, so PostgreSQL
 * spent 2.8 s compiling a query that ran in 0.1 s (bench:reports, 100,000 inquiries).
 */
export interface SessionOptions {
  /** HNSW candidate list size per kNN query (KB_HNSW_EF_SEARCH): recall against query time. */
  hnswEfSearch?: number
}

/**
 * 200, from bench:kb's side-by-side run (hashing vectors, 1024 dimensions, m 24, ef_construction 128):
 * the hybrid search stayed under 3x the bare kNN at every size (1.6 at 8k chunks, 2.4 at 74k; at 100 it
 * was 3.0 and 3.4), recall@10 rose from 0.70 to 1.0 at 8k and from 0.63 to 0.68 at 74k; 300 and 400
 * added 0.02 and 0.03 recall at 74k for 38% and 73% more hybrid time.
 */
export const defaultHnswEfSearch = 200

function settings(options: SessionOptions): Record<string, string> {
  return {
    'hnsw.ef_search': String(Math.trunc(options.hnswEfSearch ?? defaultHnswEfSearch)),
    'hnsw.iterative_scan': 'relaxed_order',
    jit: 'off',
  }
}

/** As SQL, for PGlite, which runs it once after opening. */
export function sessionSettings(options: SessionOptions = {}): string {
  return Object.entries(settings(options))
    .map(([name, value]) => `SET ${name} = ${value};`)
    .join(' ')
}

/** As `-c name=value` connection options, for PostgreSQL's startup packet. */
export function sessionSettingsAsOptions(options: SessionOptions = {}): string[] {
  return Object.entries(settings(options)).map(([name, value]) => `-c ${name}=${value}`)
}
