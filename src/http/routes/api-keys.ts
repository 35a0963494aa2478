import { createRoute, z } from '@hono/zod-openapi'
import { ApiKeyInputSchema, createApiKey, listApiKeys, revokeApiKey } from '../../auth/api-keys.js'
import type { KeyCache } from '../../auth/key-cache.js'
import { roles } from '../../auth/roles.js'
import type { Deps } from '../../deps.js'
import { createRouter } from '../router.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses } from '../openapi.js'

// .meta, not .openapi: a schema built before @hono/zod-openapi loaded (zod v4 copies methods at construction) has no .openapi.
const CreateApiKeySchema = ApiKeyInputSchema.meta({ id: 'CreateApiKey' })

const ApiKeySchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    role: z.enum(roles),
    createdAt: z.string().datetime(),
    revokedAt: z.string().datetime().nullable(),
  })
  .openapi('ApiKey')

const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The key itself. Shown only in this response; store it now.' }),
}).openapi('CreatedApiKey')

const adminOnly = requireRole('admin')
const common = { tags: ['api keys'], security: bearerSecurity, middleware: adminOnly }

const createKeyRoute = createRoute({
  operationId: 'createApiKey',
  description: 'Creates a key with one role (integration, agent, lead, admin). Admin only; the secret is in this answer and never again.',
  ...common,
  method: 'post',
  path: '/v1/api-keys',
  summary: 'Create an API key (admin)',
  request: { body: { required: true, content: { 'application/json': { schema: CreateApiKeySchema } } } },
  responses: {
    201: { description: 'Created; the key is in the body, once', content: { 'application/json': { schema: CreatedApiKeySchema } } },
    ...problemResponses(400, 413, 415, 422, ...authenticatedProblems),
  },
})

const listKeysRoute = createRoute({
  operationId: 'listApiKeys',
  description: 'Lists every key with its role and revocation time, never the secret. Admin only.',
  ...common,
  method: 'get',
  path: '/v1/api-keys',
  summary: 'List API keys, revoked ones included (admin)',
  responses: {
    200: {
      description: 'All keys, without their secrets',
      content: { 'application/json': { schema: z.object({ items: z.array(ApiKeySchema) }) } },
    },
    ...problemResponses(...authenticatedProblems),
  },
})

const revokeKeyRoute = createRoute({
  operationId: 'revokeApiKey',
  description: 'Revokes a key; requests with it get 401 from now on. Admin only; 404 for an unknown id.',
  ...common,
  method: 'delete',
  path: '/v1/api-keys/{id}',
  summary: 'Revoke an API key (admin); it stops working at once',
  request: { params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: {
    200: { description: 'Revoked', content: { 'application/json': { schema: ApiKeySchema } } },
    ...problemResponses(404, ...authenticatedProblems),
  },
})

export function apiKeyRoutes(deps: Deps, keyCache: KeyCache) {
  return createRouter()
    .openapi(createKeyRoute, async (c) => c.json(await createApiKey(deps, c.req.valid('json')), 201))
    .openapi(listKeysRoute, async (c) => c.json({ items: await listApiKeys(deps) }, 200))
    .openapi(revokeKeyRoute, async (c) => {
      const revoked = await revokeApiKey(deps, c.req.valid('param').id)
      keyCache.forget(revoked.id)
      return c.json(revoked, 200)
    })
}
