import { type FileHandle, open } from 'node:fs/promises'
import { onnx } from '../../test/helpers/onnx-build.js'

/** What a model file holds, read back from disk: the figures a published census of an ONNX model lists. */
export interface OnnxCensus {
  bytes: number
  irVersion: number
  opset: number
  nodes: number
  operators: Record<string, number>
  initializers: number
  parameters: number
  inputs: string[]
  outputs: string[]
}

/** Positional reads of a protobuf message: fields are walked, big ones (initializers' raw data) skipped unread. */
class FieldReader {
  constructor(private readonly file: FileHandle) {}

  async bytes(position: number, length: number): Promise<Uint8Array> {
    const buffer = new Uint8Array(length)
    await this.file.read(buffer, 0, length, position)
    return buffer
  }

  /** Each field between start and end: its number, wire type, and where its value (or length-delimited body) is. */
  async *fields(start: number, end: number): AsyncGenerator<{ field: number; wire: number; at: number; length: number; value: number }> {
    for (let position = start; position < end; ) {
      const window = await this.bytes(position, Math.min(20, end - position))
      const [key, keySize] = varint(window, 0)
      const wire = key % 8
      if (wire === 2) {
        const [length, lengthSize] = varint(window, keySize)
        yield { field: Math.floor(key / 8), wire, at: position + keySize + lengthSize, length, value: 0 }
        position += keySize + lengthSize + length
      } else if (wire === 0) {
        const [value, valueSize] = varint(window, keySize)
        yield { field: Math.floor(key / 8), wire, at: position + keySize, length: 0, value }
        position += keySize + valueSize
      } else throw new Error(`unexpected protobuf wire type ${wire} at byte ${position}`)
    }
  }
}

function varint(bytes: Uint8Array, offset: number): [number, number] {
  let value = 0
  for (let index = 0, scale = 1; ; index++, scale *= 128) {
    const byte = bytes[offset + index]!
    value += (byte & 127) * scale
    if (byte < 128) return [value, index + 1]
  }
}

async function tensorElements(reader: FieldReader, at: number, length: number): Promise<number> {
  let elements = 1
  for await (const { field, wire, at: inner, length: size, value } of reader.fields(at, at + length)) {
    if (field !== 1) continue
    if (wire === 0) elements *= value
    else {
      // Packed dims.
      const packed = await reader.bytes(inner, size)
      for (let offset = 0; offset < size; ) {
        const [dim, used] = varint(packed, offset)
        elements *= dim
        offset += used
      }
    }
  }
  return elements
}

export async function censusOnnxFile(path: string): Promise<OnnxCensus> {
  const file = await open(path, 'r')
  try {
    const reader = new FieldReader(file)
    const bytes = (await file.stat()).size
    const census: OnnxCensus = {
      bytes,
      irVersion: 0,
      opset: 0,
      nodes: 0,
      operators: {},
      initializers: 0,
      parameters: 0,
      inputs: [],
      outputs: [],
    }
    for await (const { field, at, length, value } of reader.fields(0, bytes)) {
      if (field === 1) census.irVersion = value
      if (field === 8) census.opset = Number(onnx.OperatorSetIdProto.decode(await reader.bytes(at, length)).version)
      if (field !== 7) continue
      for await (const part of reader.fields(at, at + length)) {
        if (part.field === 1) {
          const { opType } = onnx.NodeProto.decode(await reader.bytes(part.at, part.length))
          census.nodes++
          census.operators[opType] = (census.operators[opType] ?? 0) + 1
        } else if (part.field === 5) {
          census.initializers++
          census.parameters += await tensorElements(reader, part.at, part.length)
        } else if (part.field === 11 || part.field === 12) {
          const { name } = onnx.ValueInfoProto.decode(await reader.bytes(part.at, part.length))
          census[part.field === 11 ? 'inputs' : 'outputs'].push(name)
        }
      }
    }
    return census
  } finally {
    await file.close()
  }
}
