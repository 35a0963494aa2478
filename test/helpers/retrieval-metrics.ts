/** Recall@k and mean reciprocal rank over ranked result lists, one per query with one target. */
export function retrievalMetrics(rankings: Array<{ ranked: string[]; target: string }>, ks = [1, 3, 5]) {
  const n = rankings.length || 1
  const rankOf = (entry: { ranked: string[]; target: string }) => entry.ranked.indexOf(entry.target) + 1
  const recall = Object.fromEntries(
    ks.map((k) => [`recallAt${k}`, rankings.filter((entry) => rankOf(entry) > 0 && rankOf(entry) <= k).length / n]),
  )
  const mrr = rankings.reduce((sum, entry) => sum + (rankOf(entry) > 0 ? 1 / rankOf(entry) : 0), 0) / n
  return { ...recall, mrr, n: rankings.length } as Record<string, number>
}
