import type { FC } from 'hono/jsx'

/** The parts of a JSON Schema (as @hono/zod-openapi writes it) the reference page shows. */
export interface JsonSchema {
  $ref?: string
  type?: string | string[]
  description?: string
  enum?: unknown[]
  format?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  additionalProperties?: boolean | JsonSchema
  nullable?: boolean
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
}

const refName = (ref: string) => ref.split('/').at(-1) ?? ref

/** A one-line summary of a schema's type: `string (uuid)`, `array of Problem`, `one of: a | b`. */
export function typeOf(schema: JsonSchema | undefined): string {
  if (!schema) return 'any'
  if (schema.$ref) return refName(schema.$ref)
  const union = schema.anyOf ?? schema.oneOf
  if (union) return union.map(typeOf).join(' | ')
  if (schema.allOf) return schema.allOf.map(typeOf).join(' & ')
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ')
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any')
  if (type === 'array') return `array of ${typeOf(schema.items)}`
  if (type === 'object' && !schema.properties && typeof schema.additionalProperties === 'object')
    return `map of ${typeOf(schema.additionalProperties)}`
  return schema.format ? `${type} (${schema.format})` : type
}

/** Anchors of the schemas a type line mentions, so readers can jump to them. */
const SchemaLink: FC<{ schema: JsonSchema | undefined }> = ({ schema }) => {
  const ref = schema?.$ref ?? schema?.items?.$ref
  return ref ? <a href={`#schema-${refName(ref)}`}>{typeOf(schema)}</a> : <code>{typeOf(schema)}</code>
}

/** The properties of an object schema as a table, nested objects inline up to `depth` levels. */
export const PropertiesTable: FC<{ schema: JsonSchema; depth?: number }> = ({ schema, depth = 2 }) => {
  const properties = Object.entries(schema.properties ?? {})
  if (properties.length === 0)
    return (
      <p>
        <SchemaLink schema={schema} />
      </p>
    )
  const required = new Set(schema.required ?? [])
  return (
    <table>
      <thead>
        <tr>
          <th>Field</th>
          <th>Type</th>
          <th>Required</th>
          <th>Description</th>
        </tr>
      </thead>
      <tbody>
        {properties.map(([name, property]) => (
          <tr>
            <td>
              <code>{name}</code>
            </td>
            <td>
              <SchemaLink schema={property} />
            </td>
            <td>{required.has(name) ? 'yes' : ''}</td>
            <td>
              {property.description ?? ''}
              {depth > 0 && property.properties ? <PropertiesTable schema={property} depth={depth - 1} /> : ''}
              {depth > 0 && property.items?.properties ? <PropertiesTable schema={property.items} depth={depth - 1} /> : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
