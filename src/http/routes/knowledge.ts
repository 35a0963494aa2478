import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { ArticleFilterSchema, deleteArticle, getArticle, listArticles } from '../../knowledge/articles.js'
import { departments } from '../../knowledge/article-input.js'
import { ArticleEditSchema, editArticle } from '../../knowledge/edit.js'
import { upsertArticles } from '../../knowledge/ingest.js'
import { publishArticle } from '../../knowledge/publish.js'
import { ArticleReviewSchema } from '../../knowledge/neutral-draft.js'
import { searchKnowledge } from '../../knowledge/search.js'
import { detectLanguage } from '../../triage/language.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses, jsonContent } from '../openapi.js'
import { createRouter } from '../router.js'

const ArticleInputDoc = z
  .object({
    externalId: z.string().openapi({ example: 'kb-de-wm-fehlercodes' }),
    title: z.string(),
    body: z.string().openapi({ description: 'Markdown or plain text, at most 1 MB' }),
    language: z.string().optional().openapi({ description: 'ISO 639-1, default en' }),
    department: z.enum(departments).optional(),
    tags: z.array(z.string()).optional(),
    url: z.string().optional(),
  })
  .openapi('ArticleInput')

const UpsertArticlesSchema = z
  .object({
    articles: z
      .array(z.record(z.string(), z.unknown()))
      .min(1)
      .max(500)
      .openapi({
        description:
          'Up to 500 ArticleInput objects. Each is validated on its own: invalid ones are reported in `failed`, the rest are written.',
        type: 'array',
        items: { $ref: '#/components/schemas/ArticleInput' },
      }),
  })
  .strict()
  .openapi('UpsertArticles')

const FailureSchema = z.object({
  index: z.number().int(),
  externalId: z.string().optional(),
  reason: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
})
const UpsertResultSchema = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    failed: z.array(FailureSchema),
    items: z.array(
      z.object({
        index: z.number().int(),
        externalId: z.string(),
        articleId: z.string(),
        outcome: z.enum(['created', 'updated', 'unchanged']),
      }),
    ),
  })
  .openapi('UpsertArticlesResult')

const ArticleSchema = z
  .object({
    id: z.string(),
    externalId: z.string(),
    title: z.string(),
    body: z.string(),
    language: z.string(),
    department: z.string(),
    tags: z.array(z.string()),
    url: z.string().nullable(),
    status: z.enum(['draft', 'published']),
    chunks: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    review: ArticleReviewSchema.nullable().openapi({ description: "A draft made from a lead's reply: what was taken out of it" }),
  })
  .openapi('Article')

const SearchQuerySchema = z.object({
  q: z.string().trim().min(1, 'must not be empty').max(2000),
  k: z.coerce.number().int().min(1).max(50).default(5),
  department: z.enum(['technical', 'commercial']).optional(),
  language: z
    .string()
    .regex(/^[a-z]{2}$/, 'must be a two-letter ISO 639-1 code')
    .optional(),
  queryLanguage: z
    .union([z.literal('auto'), z.string().regex(/^[a-z]{2}$/, 'must be "auto" or a two-letter ISO 639-1 code')])
    .optional()
    .openapi({
      description:
        "The question's language (`auto`: detected). Without a `language` filter, articles in the other languages are then searched with the question translated by the glossary",
    }),
})

const SearchHitSchema = z.object({
  articleId: z.string(),
  externalId: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  language: z.string(),
  department: z.string(),
  score: z.number().openapi({ description: 'Reciprocal-rank-fusion score' }),
  snippet: z.string().openapi({ description: 'The best-matching chunk' }),
  headingPath: z.string(),
  vectorRank: z.number().int().nullable(),
  textRank: z.number().int().nullable(),
  similarity: z.number().nullable().openapi({ description: 'Cosine similarity of the best chunk, when vector search found the article' }),
})
const SearchResultSchema = z
  .object({ results: z.array(SearchHitSchema), space: z.string().nullable(), degraded: z.array(z.string()) })
  .openapi('KnowledgeSearchResult')

const idParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) })
const tags = ['knowledge base']
const json = jsonContent

const upsertRoute = createRoute({
  operationId: 'upsertArticles',
  description:
    'Creates or updates up to 500 articles by externalId, chunking and embedding them. Lead or admin; invalid articles are listed in `failed`, 422 when none could be written.',
  method: 'post',
  path: '/v1/kb/articles',
  tags,
  security: bearerSecurity,
  middleware: requireRole('lead', 'admin'),
  summary: 'Bulk upsert articles by externalId (lead, admin)',
  request: { body: { required: true, content: { 'application/json': { schema: UpsertArticlesSchema } } } },
  responses: {
    200: json(UpsertResultSchema, 'Counts, and a reason for every failed article'),
    ...problemResponses(400, 413, 415, 422, ...authenticatedProblems),
  },
})
const getRoute = createRoute({
  operationId: 'getArticle',
  description: 'Returns one article with its body and chunk count. Agent, lead or admin; 404 for an unknown id.',
  method: 'get',
  path: '/v1/kb/articles/{id}',
  tags,
  security: bearerSecurity,
  middleware: requireRole('agent', 'lead', 'admin'),
  summary: 'One article',
  request: { params: idParam },
  responses: { 200: json(ArticleSchema, 'The article'), ...problemResponses(404, ...authenticatedProblems) },
})
const deleteRoute = createRoute({
  operationId: 'deleteArticle',
  description: 'Deletes an article, its chunks and vectors; triage stops suggesting it at once. Lead or admin; 404 for an unknown id.',
  method: 'delete',
  path: '/v1/kb/articles/{id}',
  tags,
  security: bearerSecurity,
  middleware: requireRole('lead', 'admin'),
  summary: 'Delete an article with its chunks and vectors (lead, admin)',
  request: { params: idParam },
  responses: {
    200: json(z.object({ id: z.string(), deleted: z.literal(true) }), 'Deleted'),
    ...problemResponses(404, ...authenticatedProblems),
  },
})
const searchRoute = createRoute({
  operationId: 'searchKnowledge',
  description:
    'Searches published articles by meaning and by words and fuses both rankings. Agent, lead or admin; `degraded` says when one half was unavailable.',
  method: 'get',
  path: '/v1/kb/search',
  tags,
  security: bearerSecurity,
  middleware: requireRole('agent', 'lead', 'admin'),
  summary: 'Hybrid search (vector kNN + full text, fused by reciprocal rank fusion)',
  request: { query: SearchQuerySchema },
  responses: { 200: json(SearchResultSchema, 'Best articles first'), ...problemResponses(422, ...authenticatedProblems) },
})

const ArticleSummarySchema = ArticleSchema.omit({ body: true, chunks: true, review: true }).openapi('ArticleSummary')
const listRoute = createRoute({
  operationId: 'listArticles',
  description:
    'Pages through articles without their bodies, filtered by status, language, department (exact: `both` lists the articles for both) and tag. Agent, lead or admin.',
  method: 'get',
  path: '/v1/kb/articles',
  tags,
  security: bearerSecurity,
  middleware: requireRole('agent', 'lead', 'admin'),
  summary: 'Browse articles, most recently changed first (status=draft: drafts waiting to be published)',
  request: { query: ArticleFilterSchema },
  responses: {
    200: json(z.object({ items: z.array(ArticleSummarySchema), nextCursor: z.string().nullable() }), 'One page'),
    ...problemResponses(422, ...authenticatedProblems),
  },
})
const editRoute = createRoute({
  operationId: 'editArticle',
  description:
    'Changes title, body, tags, language or department. A draft stays a draft; a published article is re-chunked and re-embedded at once. Lead or admin; 422 names the field, 409 when `expectedUpdatedAt` is older than the article.',
  method: 'patch',
  path: '/v1/kb/articles/{id}',
  tags,
  security: bearerSecurity,
  middleware: requireRole('lead', 'admin'),
  summary: 'Edit an article, typically a draft before publishing (lead, admin)',
  request: { params: idParam, body: { required: true, content: { 'application/json': { schema: ArticleEditSchema } } } },
  responses: {
    200: json(ArticleSchema, 'The article as stored now'),
    ...problemResponses(400, 404, 409, 415, 422, ...authenticatedProblems),
  },
})
const publishRoute = createRoute({
  operationId: 'publishArticle',
  description:
    'Publishes a draft (for example one kept from a resolved escalation) so search and triage find it. Lead or admin; 409 when it is already published.',
  method: 'post',
  path: '/v1/kb/articles/{id}/publish',
  tags,
  security: bearerSecurity,
  middleware: requireRole('lead', 'admin'),
  summary: 'Publish a draft: it is chunked, embedded and found by search from now on (lead, admin)',
  request: { params: idParam },
  responses: { 200: json(ArticleSchema, 'Published'), ...problemResponses(404, 409, 422, ...authenticatedProblems) },
})

export function knowledgeRoutes(deps: Deps) {
  return createRouter()
    .openapi(upsertRoute, async (c) => {
      const result = await upsertArticles(deps, c.req.valid('json').articles)
      if (result.items.length === 0 && result.failed.length > 0) {
        throw new AppError('validation_failed', 'No article could be written.', {
          errors: result.failed.flatMap(
            (failure) =>
              failure.errors?.map((error) => ({ field: `articles.${failure.index}.${error.field}`, message: error.message })) ?? [
                { field: `articles.${failure.index}`, message: failure.reason },
              ],
          ),
        })
      }
      return c.json(result, 200)
    })
    .openapi(listRoute, async (c) => c.json(await listArticles(deps, c.req.valid('query')), 200))
    .openapi(publishRoute, async (c) => c.json(await publishArticle(deps, c.get('principal'), c.req.valid('param').id), 200))
    .openapi(editRoute, async (c) => c.json(await editArticle(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(getRoute, async (c) => c.json(await getArticle(deps, c.req.valid('param').id), 200))
    .openapi(deleteRoute, async (c) => {
      const { id } = c.req.valid('param')
      await deleteArticle(deps, id)
      return c.json({ id, deleted: true as const }, 200)
    })
    .openapi(searchRoute, async (c) => {
      const { queryLanguage, ...query } = c.req.valid('query')
      const asked = queryLanguage === 'auto' ? detectLanguage(query.q).language : queryLanguage
      return c.json(await searchKnowledge(deps, { ...query, queryLanguage: asked, signal: c.req.raw.signal }), 200)
    })
}

export { ArticleInputDoc }
