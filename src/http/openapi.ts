import { z } from '@hono/zod-openapi'

/** RFC 9457 problem details as documented in the OpenAPI file. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem')

const descriptions: Record<number, string> = {
  400: 'Malformed request',
  401: 'Missing, unknown or revoked API key',
  403: "The key's role may not do this",
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Body over the size limit',
  415: 'Body is not JSON',
  422: 'A field is missing or wrong; `errors` names it',
  429: 'Too many requests or failed sign-ins from this address or key; `Retry-After` says when to try again',
  503: 'Database not reachable',
}

/** The problem-details responses a route can give, for its OpenAPI entry. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: descriptions[status] ?? 'Error', content: { 'application/problem+json': { schema: ProblemSchema } } },
    ]),
  )
}

/** The statuses every authenticated JSON route can answer with. */
export const authenticatedProblems = [401, 403, 429, 503] as const

export const bearerSecurity = [{ bearerAuth: [] }]

/** A JSON response (or body) for a route's OpenAPI entry. */
export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
