import { open } from 'node:fs/promises'
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto'

/**
 * What the generated test and benchmark models share: ONNX protobuf shorthands, a seeded PRNG, and a writer that
 * streams initializers to disk chunk by chunk, so a 470 MB model never sits in memory as one buffer (protobufjs
 * would need the weights and the encoded file at once, about 1 GB).
 */
export const { onnx } = onnxProto
export const { DataType } = onnx.TensorProto
const { AttributeType } = onnx.AttributeProto
export type Attribute = OnnxTypes.IAttributeProto
export type NodeProto = OnnxTypes.INodeProto

export const tensor = (name: string, dataType: number, dims: number[], bytes: ArrayBufferView) =>
  onnx.TensorProto.create({ name, dataType, dims, rawData: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) })
export const scalar = (name: string, value: number) => tensor(name, DataType.FLOAT, [], new Float32Array([value]))
export const node = (opType: string, input: string[], output: string[], attribute: Attribute[] = []) =>
  onnx.NodeProto.create({ opType, input, output, name: output[0], attribute })
export const valueInfo = (name: string, elemType: number, dims: (string | number)[]) =>
  onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: { elemType, shape: { dim: dims.map((dim) => (typeof dim === 'string' ? { dimParam: dim } : { dimValue: dim })) } },
    },
  })
export const intAttribute = (name: string, i: number): Attribute => ({ name, type: AttributeType.INT, i })
export const intsAttribute = (name: string, ints: number[]): Attribute => ({ name, type: AttributeType.INTS, ints })
export const tensorAttribute = (name: string, t: OnnxTypes.ITensorProto): Attribute => ({ name, type: AttributeType.TENSOR, t })

/** mulberry32: a tiny seeded PRNG, so generated weights are the same on every machine and in every run. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return (t ^ (t >>> 14)) >>> 0
  }
}

/** Seeded int8 values in -127..127. */
export function seededInts(seed: number, count: number): Int8Array {
  const next = mulberry32(seed)
  const out = new Int8Array(count)
  for (let index = 0; index < count; index++) out[index] = (next() % 255) - 127
  return out
}

/**
 * An initializer described rather than held: its bytes are made while the file is written. `uniform` draws
 * float32 from [-range, range] (never denormal: the smallest non-zero magnitude is range / 2^31); `int8` draws
 * integers from [-range, range - 1]; `fill` repeats one value; `data` is given.
 */
export type TensorSpec = { name: string; dataType: number; dims: number[] } & (
  | { kind: 'uniform'; seed: number; range: number }
  | { kind: 'int8'; seed: number; range: number }
  | { kind: 'fill'; value: number }
  | { kind: 'data'; data: ArrayBufferView }
)

const bytesPerElement: Record<number, number> = { [DataType.FLOAT]: 4, [DataType.INT8]: 1, [DataType.UINT8]: 1, [DataType.INT64]: 8 }

export const elementCount = (spec: { dims: number[] }) => spec.dims.reduce((product, dim) => product * dim, 1)
export const byteLength = (spec: TensorSpec) => elementCount(spec) * (bytesPerElement[spec.dataType] ?? Number.NaN)

const chunkElements = 1 << 20

/** The tensor's raw bytes in chunks of at most a million elements (one reused buffer). */
function* tensorChunks(spec: TensorSpec): Generator<Uint8Array> {
  const total = elementCount(spec)
  if (spec.kind === 'data') {
    yield new Uint8Array(spec.data.buffer, spec.data.byteOffset, spec.data.byteLength)
    return
  }
  const next = spec.kind === 'fill' ? undefined : mulberry32(spec.seed)
  const float = spec.dataType === DataType.FLOAT
  const buffer = float ? new Float32Array(Math.min(total, chunkElements)) : new Int8Array(Math.min(total, chunkElements))
  for (let done = 0; done < total; done += buffer.length) {
    const view = buffer.subarray(0, Math.min(buffer.length, total - done))
    if (spec.kind === 'fill') view.fill(spec.value)
    else if (spec.kind === 'uniform') for (let i = 0; i < view.length; i++) view[i] = (next!() / 2 ** 31 - 1) * spec.range
    else for (let i = 0; i < view.length; i++) view[i] = (next!() % (2 * spec.range)) - spec.range
    yield new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
  }
}

function varint(value: number): Uint8Array {
  const bytes: number[] = []
  for (let rest = value; ; rest = Math.floor(rest / 128)) {
    if (rest < 128) {
      bytes.push(rest)
      return Uint8Array.from(bytes)
    }
    bytes.push((rest % 128) | 128)
  }
}
const lengthDelimited = (field: number, length: number) => [Uint8Array.of((field << 3) | 2), varint(length)]

/** The graph without initializers; those come as specs. */
export interface OnnxModelParts {
  graph: OnnxTypes.IGraphProto
  initializers: TensorSpec[]
  irVersion: number
  opsetVersion: number
  producerName: string
}

/**
 * Writes ModelProto bytes as protobuf lays them out: the model's own fields, then field 7 (graph) whose length
 * is known up front, then each initializer as GraphProto field 5 with its raw_data (TensorProto field 9) streamed.
 * Protobuf allows fields in any order, so appending the initializers after the graph's other fields is valid.
 */
export async function writeOnnxModel(path: string, parts: OnnxModelParts): Promise<number> {
  const head = onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: parts.irVersion,
      producerName: parts.producerName,
      opsetImport: [{ domain: '', version: parts.opsetVersion }],
    }),
  ).finish()
  const graph = onnx.GraphProto.encode(onnx.GraphProto.create(parts.graph)).finish()
  const tensors = parts.initializers.map((spec) => {
    const header = onnx.TensorProto.encode(onnx.TensorProto.create({ name: spec.name, dataType: spec.dataType, dims: spec.dims })).finish()
    const raw = byteLength(spec)
    const rawField = lengthDelimited(9, raw)
    const length = header.length + rawField[0]!.length + rawField[1]!.length + raw
    return { spec, prefix: [...lengthDelimited(5, length), header, ...rawField], length }
  })
  const graphLength = graph.length + tensors.reduce((sum, { prefix, length }) => sum + prefix[0]!.length + prefix[1]!.length + length, 0)
  const file = await open(path, 'w')
  let written = 0
  const write = async (bytes: Uint8Array) => {
    await file.write(bytes)
    written += bytes.length
  }
  try {
    for (const bytes of [head, ...lengthDelimited(7, graphLength), graph]) await write(bytes)
    for (const { spec, prefix } of tensors) {
      for (const bytes of prefix) await write(bytes)
      for (const chunk of tensorChunks(spec)) await write(chunk)
    }
  } finally {
    await file.close()
  }
  return written
}

/** Operator type -> count, as a published census of a model lists them. */
export function countOperators(parts: OnnxModelParts): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const { opType } of parts.graph.node ?? []) counts[opType!] = (counts[opType!] ?? 0) + 1
  return counts
}

export const countParameters = (parts: OnnxModelParts) => parts.initializers.reduce((sum, spec) => sum + elementCount(spec), 0)
