import type { FC } from 'hono/jsx'
import { PropertiesTable, typeOf, type JsonSchema } from './schema-view.js'

interface Parameter {
  name: string
  in: string
  required?: boolean
  description?: string
  schema?: JsonSchema
}
interface Operation {
  tags?: string[]
  summary?: string
  description?: string
  security?: unknown[]
  parameters?: Parameter[]
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> }
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: JsonSchema }> }>
}
/** The OpenAPI 3.1 document as far as the page reads it. */
export interface OpenApiDocument {
  info: { title: string; version: string; description?: string }
  paths?: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, JsonSchema> }
}

const methods = ['get', 'post', 'put', 'patch', 'delete']
const anchorOf = (method: string, path: string) => `op-${method}-${path.replace(/[^\w]+/g, '-')}`
const firstSchema = (content: Record<string, { schema?: JsonSchema }> | undefined) => Object.values(content ?? {})[0]?.schema

function operationsByTag(document: OpenApiDocument): Map<string, Array<{ method: string; path: string; operation: Operation }>> {
  const groups = new Map<string, Array<{ method: string; path: string; operation: Operation }>>()
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of methods.filter((name) => item[name])) {
      const operation = item[method]!
      const tag = operation.tags?.[0] ?? 'other'
      groups.set(tag, [...(groups.get(tag) ?? []), { method, path, operation }])
    }
  }
  return groups
}

const OperationView: FC<{ method: string; path: string; operation: Operation }> = ({ method, path, operation }) => {
  const body = firstSchema(operation.requestBody?.content)
  return (
    <section class="operation" id={anchorOf(method, path)}>
      <h3>
        <span class={`method ${method}`}>{method.toUpperCase()}</span> <code>{path}</code>
      </h3>
      <p class="summary">
        {operation.summary ?? ''}
        {operation.security?.length ? ' — needs an API key' : ''}
      </p>
      {operation.description ? <p>{operation.description}</p> : ''}
      {operation.parameters?.length ? (
        <table>
          <thead>
            <tr>
              <th>Parameter</th>
              <th>In</th>
              <th>Type</th>
              <th>Required</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {operation.parameters.map((parameter) => (
              <tr>
                <td>
                  <code>{parameter.name}</code>
                </td>
                <td>{parameter.in}</td>
                <td>
                  <code>{typeOf(parameter.schema)}</code>
                </td>
                <td>{parameter.required ? 'yes' : ''}</td>
                <td>{parameter.description ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        ''
      )}
      {body ? (
        <>
          <h4>Request body</h4>
          <PropertiesTable schema={body} depth={1} />
        </>
      ) : (
        ''
      )}
      <h4>Responses</h4>
      <ul class="responses">
        {Object.entries(operation.responses ?? {}).map(([status, response]) => (
          <li>
            <strong>{status}</strong> {response.description ?? ''}{' '}
            {response.content ? <code>{typeOf(firstSchema(response.content))}</code> : ''}
          </li>
        ))}
      </ul>
    </section>
  )
}

/**
 * The API reference as one server-rendered page: every operation and schema of the OpenAPI document,
 * no script and nothing from another origin, so it works offline and tells no third party who reads it.
 */
export const ApiReferencePage: FC<{ document: OpenApiDocument }> = ({ document }) => {
  const groups = operationsByTag(document)
  const schemas = Object.entries(document.components?.schemas ?? {})
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{document.info.title} API reference</title>
        <link rel="stylesheet" href="/docs/docs.css" />
      </head>
      <body>
        <nav class="toc" aria-label="Operations">
          <p>
            <a href="/openapi.json">openapi.json</a>
          </p>
          {[...groups].map(([tag, operations]) => (
            <>
              <h2>{tag}</h2>
              <ul>
                {operations.map(({ method, path }) => (
                  <li>
                    <a href={`#${anchorOf(method, path)}`}>
                      <span class={`method ${method}`}>{method.toUpperCase()}</span> {path}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          ))}
        </nav>
        <main>
          <h1>
            {document.info.title} <small>{document.info.version}</small>
          </h1>
          <p>{document.info.description ?? ''}</p>
          {[...groups].map(([tag, operations]) => (
            <section class="tag">
              <h2>{tag}</h2>
              {operations.map((entry) => (
                <OperationView {...entry} />
              ))}
            </section>
          ))}
          <section class="tag">
            <h2>Schemas</h2>
            {schemas.map(([name, schema]) => (
              <section class="schema" id={`schema-${name}`}>
                <h3>{name}</h3>
                {schema.description ? <p>{schema.description}</p> : ''}
                <PropertiesTable schema={schema} depth={1} />
              </section>
            ))}
          </section>
        </main>
      </body>
    </html>
  )
}
