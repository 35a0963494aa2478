/**
 * Vectors as statement parameters. Query modules pass a Float32Array wherever a statement casts the
 * parameter to `vector(n)`; each adapter turns it into the form its driver sends best (see
 * src/platform/*). Query modules stay dialect-free; adapters call `mapVectorParams` once per statement.
 */

/**
 * pgvector's text form, `[0.1,0,...]`, as Array.join writes it. Still what PGlite gets and what arrays of
 * vectors (bulk inserts through `unnest($n::text[])`) carry. Sparse vectors (hashing) are mostly zeros
 * and repeat few distinct values, so each distinct number is formatted once (2.6x faster for a
 * 1024-dimension hashing vector than Array.join).
 */
export function vectorLiteral(vector: Float32Array | number[]): string {
  const formatted = new Map<number, string>()
  let literal = '['
  for (let index = 0; index < vector.length; index++) {
    const value = vector[index]!
    let text = value === 0 ? '0' : formatted.get(value)
    if (text === undefined) formatted.set(value, (text = String(value)))
    literal += index === 0 ? text : `,${text}`
  }
  return `${literal}]`
}

/**
 * pgvector's binary form, what its receive function (vector_recv) reads from a parameter sent in binary
 * format: int16 dimensions, int16 unused (0), then each element as a big-endian float4. 4 + 4n bytes
 * (4 100 for 1 024 dimensions) against about 10 kB of text for a hashing vector, and the server parses
 * no decimals. The float4 values are the Float32Array's own, so distances equal the text form's exactly.
 */
export function vectorBinary(vector: Float32Array): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * vector.length)
  const view = new DataView(bytes.buffer)
  view.setInt16(0, vector.length)
  for (let index = 0; index < vector.length; index++) view.setFloat32(4 + 4 * index, vector[index]!)
  return bytes
}

/**
 * The parameters with every Float32Array replaced by `encode(vector)`; the same array when there is
 * none, so statements without vectors allocate nothing.
 */
export function mapVectorParams<T>(params: readonly unknown[] | undefined, encode: (vector: Float32Array) => T): unknown[] | undefined {
  if (!params?.some((value) => value instanceof Float32Array)) return params as unknown[] | undefined
  return params.map((value) => (value instanceof Float32Array ? encode(value) : value))
}
