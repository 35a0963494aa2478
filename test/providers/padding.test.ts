import { describe, expect, it } from 'vitest'
import { groupByLength, paddingBudget, rowLengths, takeRows } from '../../src/platform/node/embeddings/padding.js'

const mask = (lengths: number[], width: number) => ({
  dims: [lengths.length, width],
  data: BigInt64Array.from(lengths.flatMap((length) => Array.from({ length: width }, (_, column) => (column < length ? 1n : 0n)))),
})

describe('runs of similar length', () => {
  it('reads each row length from a right-padded mask', () => {
    expect(rowLengths(mask([3, 5, 1], 5))).toEqual([3, 5, 1])
  })

  it('keeps rows of one length together, up to maxRows per run', () => {
    expect(groupByLength([30, 30, 30, 30, 30], 2)).toEqual([[0, 1], [2, 3], [4]])
  })

  it('starts a new run when padding to the longer rows would exceed the budget, shortest rows first', () => {
    const lengths = [47, 17, 37, 17, 27, 47, 17, 27]
    const groups = groupByLength(lengths, 32)
    expect(groups.flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(groups.map((rows) => rows.map((row) => lengths[row]))).toEqual([
      [17, 17, 17],
      [27, 27, 37],
      [47, 47],
    ])
    for (const rows of groups) {
      const useful = rows.reduce((sum, row) => sum + lengths[row]!, 0)
      const padding = rows.length * Math.max(...rows.map((row) => lengths[row]!)) - useful
      expect(padding).toBeLessThanOrEqual(paddingBudget(useful))
    }
    // Small differences are not worth a run of their own.
    expect(groupByLength([20, 21, 22, 23], 32)).toHaveLength(1)
  })

  it('caps the tokens of a run, so long passages do not run 32 at a time', () => {
    const groups = groupByLength(
      Array.from({ length: 32 }, () => 500),
      32,
      4096,
    )
    expect(groups.map((group) => group.length)).toEqual([8, 8, 8, 8])
    expect(groups.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, row) => row))
    // A single row longer than the cap still runs, on its own.
    expect(groupByLength([5000, 10], 32, 4096)).toEqual([[1], [0]])
  })

  it('cuts the chosen rows out of every tensor at the run width', () => {
    const inputs = {
      input_ids: { dims: [3, 4], data: BigInt64Array.from([2n, 7n, 3n, 0n, 2n, 8n, 9n, 3n, 2n, 3n, 0n, 0n]) },
      attention_mask: mask([3, 4, 2], 4),
    }
    const run = takeRows(inputs, [2, 0], 3)
    expect(run.input_ids).toEqual({ dims: [2, 3], data: BigInt64Array.from([2n, 3n, 0n, 2n, 7n, 3n]) })
    expect(run.attention_mask).toEqual({ dims: [2, 3], data: BigInt64Array.from([1n, 1n, 0n, 1n, 1n, 1n]) })
  })
})
