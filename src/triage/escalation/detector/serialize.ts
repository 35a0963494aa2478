import type { EscalationModel, ReasonModel } from './model.js'
import { createModel } from './model.js'
import { packModel, unpackModel } from '../../model-bytes.js'
import { featureBuckets } from './text-features.js'

/**
 * A trained model as bytes, to store it (model_artifacts) instead of training it again: a JSON header
 * (version, per reason its calibration, threshold, counts and how many weights follow), then per reason
 * the non-zero weights as bucket ids (Int32) and values (Float32). Little-endian, as typed arrays are on
 * every platform this runs on.
 */

interface Header {
  format: 1
  version: string
  buckets: number
  reasons: Array<{
    code: string
    bias: number
    platt: ReasonModel['platt']
    threshold: number
    positives: number
    examples: number
    key?: string
    count: number
  }>
}

export function serializeModel(model: EscalationModel): Uint8Array {
  const parts = [...model.reasons].map(([code, reason]) => {
    const ids: number[] = []
    reason.weights.forEach((weight, id) => {
      if (weight !== 0) ids.push(id)
    })
    return { code, reason, ids: Int32Array.from(ids), values: Float32Array.from(ids, (id) => reason.weights[id]!) }
  })
  const header: Header = {
    format: 1,
    version: model.version,
    buckets: featureBuckets,
    reasons: parts.map(({ code, reason, ids }) => ({
      code,
      bias: reason.bias,
      platt: reason.platt,
      threshold: reason.threshold,
      positives: reason.positives,
      examples: reason.examples,
      key: reason.key,
      count: ids.length,
    })),
  }
  return packModel(
    header,
    parts.flatMap((part) => [part.ids, part.values]),
  )
}

/** The model the bytes hold, or undefined when they are not a model of this format and size. */
export function deserializeModel(stored: Uint8Array): EscalationModel | undefined {
  try {
    const reader = unpackModel<Header>(stored)
    const { header } = reader
    if (header.format !== 1 || header.buckets !== featureBuckets) return undefined
    const reasons = new Map<string, ReasonModel>()
    for (const entry of header.reasons) {
      const ids = reader.int32(entry.count)
      const values = reader.float32(entry.count)
      const weights = new Float32Array(featureBuckets)
      ids.forEach((id, index) => (weights[id] = values[index]!))
      reasons.set(entry.code, {
        weights,
        bias: entry.bias,
        platt: entry.platt,
        threshold: entry.threshold,
        positives: entry.positives,
        examples: entry.examples,
        ...(entry.key ? { key: entry.key } : {}),
      })
    }
    return reader.complete() ? createModel(header.version, reasons) : undefined
  } catch {
    return undefined
  }
}
