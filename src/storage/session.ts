/**
 * Settings every database session starts with. ef_search 100 keeps HNSW recall near 0.96 (0.82 at the
 * default 40, for about twice the time); iterative scans let a filtered kNN (department, language)
 * keep scanning until it has k rows instead of returning fewer.
 */
export const sessionSettings = `SET hnsw.ef_search = 100; SET hnsw.iterative_scan = relaxed_order;`
