/**
 * Settings every database session starts with. ef_search 100 keeps HNSW recall near 0.96 (0.82 at the
 * default 40, for about twice the time); iterative scans let a filtered kNN (department, language)
 * keep scanning until it has k rows instead of returning fewer.
 */
const settings = { 'hnsw.ef_search': '100', 'hnsw.iterative_scan': 'relaxed_order' }

/** As SQL, for PGlite, which runs it once after opening. */
export const sessionSettings = Object.entries(settings).map(([name, value]) => `SET ${name} = ${value};`).join(' ')

/** As `-c name=value` connection options, for PostgreSQL's startup packet. */
export function sessionSettingsAsOptions(): string[] {
  return Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`)
}
