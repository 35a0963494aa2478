import { createFeaturizer, type FeatureOptions } from './features.js'
import type { KnnScoreOptions } from './knn.js'
import { createDepartmentModel, departmentAlgorithm, type CombinationMode, type DepartmentModel } from './model.js'
import type { Stacker } from './stacker.js'
import type { Department } from './types.js'
import { packModel, unpackModel } from '../model-bytes.js'

/**
 * A department model as bytes, to store it (model_artifacts) so a Worker isolate or the next start loads
 * it instead of training: a JSON header (version, mode, stacker, feature options, bias), then the linear
 * model's non-zero weights and the IDF values that differ from the unseen-bucket value, each as bucket
 * ids (Int32) and values (Float32), little-endian. About 40 bytes per distinct training feature.
 */

interface Header {
  format: 1
  version: string
  exampleCount: number
  mode: CombinationMode
  knn?: KnnScoreOptions | undefined
  seen?: Department | undefined
  linear?: { features: Required<FeatureOptions>; bias: number; stacker: Stacker; weights: number; idf?: { rest: number; count: number } }
}

export function serializeDepartmentModel(model: DepartmentModel): Uint8Array {
  const { version, exampleCount, mode, knn, seen, linear } = model.parts
  const weights = linear ? sparse(linear.model.weights, 0) : undefined
  const idfRest = linear?.featurizer.idf ? maximum(linear.featurizer.idf) : undefined
  const idf = linear?.featurizer.idf && idfRest !== undefined ? sparse(linear.featurizer.idf, idfRest) : undefined
  const header: Header = {
    format: 1,
    version,
    exampleCount,
    mode,
    ...(knn ? { knn } : {}),
    ...(seen ? { seen } : {}),
    ...(linear && weights
      ? {
          linear: {
            features: linear.featurizer.options,
            bias: linear.model.bias,
            stacker: linear.stacker,
            weights: weights.ids.length,
            ...(idf && idfRest !== undefined ? { idf: { rest: idfRest, count: idf.ids.length } } : {}),
          },
        }
      : {}),
  }
  return packModel(
    header,
    [weights, idf].flatMap((part) => (part ? [part.ids, part.values] : [])),
  )
}

/** The model the bytes hold, or undefined when they are not a department model this build reads. */
export function deserializeDepartmentModel(stored: Uint8Array): DepartmentModel | undefined {
  try {
    const reader = unpackModel<Header>(stored)
    const { header } = reader
    if (header.format !== 1 || !header.version.startsWith(`${departmentAlgorithm}:`)) return undefined
    const readDense = (count: number, size: number, rest: number) => {
      const ids = reader.int32(count)
      const values = reader.float32(count)
      const dense = new Float32Array(size).fill(rest)
      ids.forEach((id, index) => (dense[id] = values[index]!))
      return dense
    }
    const { linear } = header
    const parts = { version: header.version, exampleCount: header.exampleCount, mode: header.mode, knn: header.knn, seen: header.seen }
    if (!linear) return reader.complete() ? createDepartmentModel(parts) : undefined
    const buckets = linear.features.buckets
    const weights = readDense(linear.weights, buckets, 0)
    const idf = linear.idf ? readDense(linear.idf.count, buckets, linear.idf.rest) : undefined
    if (!reader.complete()) return undefined
    return createDepartmentModel({
      ...parts,
      linear: { featurizer: createFeaturizer(linear.features, idf), model: { weights, bias: linear.bias }, stacker: linear.stacker },
    })
  } catch {
    return undefined
  }
}

/** The entries that differ from `rest`, as ascending ids and their values. */
function sparse(dense: Float32Array, rest: number): { ids: Int32Array; values: Float32Array } {
  const ids: number[] = []
  dense.forEach((value, id) => {
    if (value !== rest) ids.push(id)
  })
  return { ids: Int32Array.from(ids), values: Float32Array.from(ids, (id) => dense[id]!) }
}

function maximum(values: Float32Array): number {
  let max = -Infinity
  for (const value of values) if (value > max) max = value
  return max
}
