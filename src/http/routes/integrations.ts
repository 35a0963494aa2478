import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import {
  IntegrationCreateSchema,
  IntegrationSchema,
  IntegrationUpdateSchema,
  createIntegration,
  deleteIntegration,
  getIntegration,
  listIntegrations,
  updateIntegration,
} from '../../integrations/integrations.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses, jsonContent } from '../openapi.js'
import { createRouter } from '../router.js'

const common = { tags: ['integrations'], security: bearerSecurity, middleware: requireRole('admin') }
const nameParam = z.object({ name: z.string().openapi({ param: { name: 'name', in: 'path' } }) })
const json = jsonContent

const createIntegrationRoute = createRoute({
  operationId: 'createIntegration',
  description:
    'Registers a helpdesk (generic, zammad, zendesk, freshdesk) whose name becomes its webhook path. Admin only; 409 when the name is taken, 422 for a short or malformed secret.',
  ...common,
  method: 'post',
  path: '/v1/integrations',
  summary: 'Connect a helpdesk (admin); the secret is stored and never shown again',
  request: { body: { required: true, content: { 'application/json': { schema: IntegrationCreateSchema } } } },
  responses: { 201: json(IntegrationSchema, 'Created'), ...problemResponses(400, 409, 413, 415, 422, ...authenticatedProblems) },
})
const listIntegrationsRoute = createRoute({
  operationId: 'listIntegrations',
  description: 'Lists every integration with its settings, never its secrets. Admin only.',
  ...common,
  method: 'get',
  path: '/v1/integrations',
  summary: 'List integrations (admin), without secrets',
  responses: {
    200: json(z.object({ items: z.array(IntegrationSchema) }), 'All integrations'),
    ...problemResponses(...authenticatedProblems),
  },
})
const getIntegrationRoute = createRoute({
  operationId: 'getIntegration',
  description: "Returns one integration's settings, never its secrets. Admin only; 404 for an unknown name.",
  ...common,
  method: 'get',
  path: '/v1/integrations/{name}',
  summary: 'One integration (admin), without secrets',
  request: { params: nameParam },
  responses: { 200: json(IntegrationSchema, 'The integration'), ...problemResponses(404, ...authenticatedProblems) },
})
const updateIntegrationRoute = createRoute({
  operationId: 'updateIntegration',
  description: 'Changes settings or rotates the secret; the fields left out stay. Admin only; 404 for an unknown name.',
  ...common,
  method: 'patch',
  path: '/v1/integrations/{name}',
  summary: 'Change settings or rotate the secret (admin); null clears an optional field',
  request: { params: nameParam, body: { required: true, content: { 'application/json': { schema: IntegrationUpdateSchema } } } },
  responses: { 200: json(IntegrationSchema, 'Updated'), ...problemResponses(400, 404, 413, 415, 422, ...authenticatedProblems) },
})
const deleteIntegrationRoute = createRoute({
  operationId: 'deleteIntegration',
  description: 'Removes an integration; its webhooks get 401 from now on, its inquiries stay. Admin only; 404 for an unknown name.',
  ...common,
  method: 'delete',
  path: '/v1/integrations/{name}',
  summary: 'Disconnect a helpdesk (admin); its inquiries stay',
  request: { params: nameParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(404, ...authenticatedProblems) },
})

export function integrationRoutes(deps: Deps) {
  return createRouter()
    .openapi(createIntegrationRoute, async (c) => c.json(await createIntegration(deps, c.req.valid('json')), 201))
    .openapi(listIntegrationsRoute, async (c) => c.json({ items: await listIntegrations(deps) }, 200))
    .openapi(getIntegrationRoute, async (c) => c.json(await getIntegration(deps, c.req.valid('param').name), 200))
    .openapi(updateIntegrationRoute, async (c) =>
      c.json(await updateIntegration(deps, c.req.valid('param').name, c.req.valid('json')), 200),
    )
    .openapi(deleteIntegrationRoute, async (c) => {
      await deleteIntegration(deps, c.req.valid('param').name)
      return c.body(null, 204)
    })
}
