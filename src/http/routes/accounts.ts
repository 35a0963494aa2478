import { createRoute, z } from '@hono/zod-openapi'
import { AccountSchema, accountTiers, listAccounts, upsertAccounts, UpsertAccountsSchema } from '../../accounts/accounts.js'
import type { Deps } from '../../deps.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, jsonContent, problemResponses } from '../openapi.js'
import { createRouter } from '../router.js'

const leads = requireRole('lead', 'admin')
const upsertRoute = createRoute({
  operationId: 'upsertAccounts',
  description:
    'Imports the customer directory triage recognises senders by; all or nothing. Lead or admin; answers how many were created and updated.',
  method: 'post',
  path: '/v1/accounts',
  tags: ['accounts'],
  security: bearerSecurity,
  middleware: leads,
  summary: 'Insert or replace up to 1000 accounts by externalId, all or none (lead, admin)',
  request: { body: { required: true, content: { 'application/json': { schema: UpsertAccountsSchema } } } },
  responses: {
    200: jsonContent(z.object({ created: z.number().int(), updated: z.number().int() }), 'Stored'),
    ...problemResponses(400, 413, 415, 422, ...authenticatedProblems),
  },
})
const listRoute = createRoute({
  operationId: 'listAccounts',
  description: 'Pages through the account directory by name, filtered by tier or a search text. Lead or admin.',
  method: 'get',
  path: '/v1/accounts',
  tags: ['accounts'],
  security: bearerSecurity,
  middleware: leads,
  summary: 'The account directory by name; q searches name, externalId and domain (lead, admin)',
  request: {
    query: z.object({
      q: z.string().trim().min(1).max(200).optional(),
      tier: z.enum(accountTiers).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(AccountSchema), total: z.number().int() }), 'One page'),
    ...problemResponses(422, ...authenticatedProblems),
  },
})

export function accountRoutes(deps: Deps) {
  return createRouter()
    .openapi(upsertRoute, async (c) => {
      const counts = await upsertAccounts(deps, c.get('principal'), c.req.valid('json'))
      await deps.escalation.refresh(deps) // triage in this process looks accounts up from now on
      return c.json(counts, 200)
    })
    .openapi(listRoute, async (c) => c.json(await listAccounts(deps, c.req.valid('query')), 200))
}
