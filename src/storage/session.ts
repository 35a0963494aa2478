/**
 * Settings every database session starts with. Iterative scans let a filtered kNN (department,
 * language) keep scanning until it has k rows instead of returning fewer.
 */
export interface SessionOptions {
  /** HNSW candidate list size per kNN query (KB_HNSW_EF_SEARCH): recall against query time. */
  hnswEfSearch?: number
}

/**
 * 200: in bench:kb (hashing vectors, 1024 dimensions, m 24, ef_construction 128) recall@10 was 0.97 at
 * 10k chunks and 0.89 at 100k with ef_search 100; 200 brings 100k near 0.95 for about twice the kNN time.
 */
export const defaultHnswEfSearch = 200

function settings(options: SessionOptions): Record<string, string> {
  return { 'hnsw.ef_search': String(Math.trunc(options.hnswEfSearch ?? defaultHnswEfSearch)), 'hnsw.iterative_scan': 'relaxed_order' }
}

/** As SQL, for PGlite, which runs it once after opening. */
export function sessionSettings(options: SessionOptions = {}): string {
  return Object.entries(settings(options)).map(([name, value]) => `SET ${name} = ${value};`).join(' ')
}

/** As `-c name=value` connection options, for PostgreSQL's startup packet. */
export function sessionSettingsAsOptions(options: SessionOptions = {}): string[] {
  return Object.entries(settings(options)).map(([name, value]) => `-c ${name}=${value}`)
}
