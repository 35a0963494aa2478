import type { EscalationModel, ReasonModel } from './model.js'
import { createModel } from './model.js'
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
  const headerBytes = new TextEncoder().encode(JSON.stringify(header))
  // The header is padded to a multiple of 4 so the typed arrays after it stay aligned.
  const headerLength = Math.ceil(headerBytes.length / 4) * 4
  const size = 4 + headerLength + parts.reduce((sum, part) => sum + part.ids.length * 8, 0)
  const bytes = new Uint8Array(size)
  new DataView(bytes.buffer).setUint32(0, headerBytes.length, true)
  bytes.set(headerBytes, 4)
  let offset = 4 + headerLength
  for (const part of parts) {
    bytes.set(new Uint8Array(part.ids.buffer), offset)
    offset += part.ids.byteLength
    bytes.set(new Uint8Array(part.values.buffer), offset)
    offset += part.values.byteLength
  }
  return bytes
}

/** The model the bytes hold, or undefined when they are not a model of this format and size. */
export function deserializeModel(stored: Uint8Array): EscalationModel | undefined {
  try {
    const bytes = new Uint8Array(stored) // a copy: aligned, and independent of the driver's buffer
    const headerLength = new DataView(bytes.buffer).getUint32(0, true)
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as Header
    if (header.format !== 1 || header.buckets !== featureBuckets) return undefined
    let offset = 4 + Math.ceil(headerLength / 4) * 4
    const reasons = new Map<string, ReasonModel>()
    for (const entry of header.reasons) {
      const ids = new Int32Array(bytes.buffer, offset, entry.count)
      offset += entry.count * 4
      const values = new Float32Array(bytes.buffer, offset, entry.count)
      offset += entry.count * 4
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
    return offset === bytes.length ? createModel(header.version, reasons) : undefined
  } catch {
    return undefined
  }
}
