/**
 * The byte framing of a stored model (model_artifacts and the file cache): the length of a JSON header
 * (Uint32), the header, padding to a multiple of 4 so the typed arrays after it stay aligned, then the
 * arrays one after another. Little-endian, as typed arrays are on every platform this runs on.
 */
export function packModel(header: unknown, arrays: ReadonlyArray<Int32Array | Float32Array>): Uint8Array {
  const headerBytes = new TextEncoder().encode(JSON.stringify(header))
  const headerLength = Math.ceil(headerBytes.length / 4) * 4
  const bytes = new Uint8Array(4 + headerLength + arrays.reduce((sum, array) => sum + array.byteLength, 0))
  new DataView(bytes.buffer).setUint32(0, headerBytes.length, true)
  bytes.set(headerBytes, 4)
  let offset = 4 + headerLength
  for (const array of arrays) {
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset)
    offset += array.byteLength
  }
  return bytes
}

/** Reads what packModel wrote: the header, then the arrays in order; `complete` says all bytes were read. */
export interface ModelReader<Header> {
  header: Header
  int32(count: number): Int32Array
  float32(count: number): Float32Array
  complete(): boolean
}

/** Throws on bytes that are not framed so (the callers answer undefined then). */
export function unpackModel<Header>(stored: Uint8Array): ModelReader<Header> {
  const bytes = new Uint8Array(stored) // a copy: aligned, and independent of the driver's buffer
  const headerLength = new DataView(bytes.buffer).getUint32(0, true)
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as Header
  let offset = 4 + Math.ceil(headerLength / 4) * 4
  const take = <T>(make: (buffer: ArrayBuffer, at: number, count: number) => T, count: number): T => {
    const array = make(bytes.buffer, offset, count)
    offset += count * 4
    return array
  }
  return {
    header,
    int32: (count) => take((buffer, at, n) => new Int32Array(buffer, at, n), count),
    float32: (count) => take((buffer, at, n) => new Float32Array(buffer, at, n), count),
    complete: () => offset === bytes.length,
  }
}
