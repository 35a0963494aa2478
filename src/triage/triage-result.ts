import { z } from 'zod'
import { escalationReasons } from '../config.js'

// The one definition of a triage result: the pipeline's type is inferred from it and the API documents it.
// Plain zod with `.meta()`: the OpenAPI generator reads the descriptions, and the domain stays free of HTTP.
// Fields marked as absent from older results stay optional, as results are stored and read back.

const department = z.enum(['technical', 'commercial'])

const SuggestionSchema = z.object({
  articleId: z.string(),
  externalId: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  score: z.number(),
  similarity: z.number().nullable(),
  relevance: z.number().min(0).max(1).nullable().optional().meta({
    description:
      'How likely this is the article that answers the inquiry, calibrated per embedding space on labelled question → article pairs (0.8: about 8 in 10 such suggestions are right). Null in a space without a relevance model; absent from results stored before relevance existed',
  }),
  snippet: z.string(),
  language: z.string().optional().meta({
    description:
      "The article's language, which may differ from the inquiry's: the reply then says in the inquiry's language that the article is in another. Absent from results stored before cross-lingual search",
  }),
  reply: z.string().meta({ description: "Ready for an agent to edit and send, in the inquiry's language" }),
  /** `template` without an LLM, `llm` when the configured model drafted it from the passages. */
  source: z.enum(['template', 'llm']),
  /** With an LLM draft: which passages ([1] = this suggestion's article, [2] the next …) it cites. */
  citations: z.array(z.number().int()).optional(),
  pinned: z
    .enum(['safety'])
    .optional()
    .meta({ description: 'Put first whatever its rank: `safety` is the safety article for an inquiry reporting a hazard' }),
})

const SecondOpinionSchema = z.object({ department, confidence: z.number(), rationale: z.string(), adopted: z.boolean() })

const EscalationSecondOpinionSchema = z.object({
  reasons: z.array(z.object({ code: z.string(), applies: z.boolean(), evidence: z.string() })),
  changed: z.array(z.string()).meta({ description: 'Reasons whose verdict the LLM changed (never safety taken away)' }),
})

export const TriageResultSchema = z.object({
  inquiryId: z.string().uuid(),
  externalId: z.string().nullable(),
  language: z.string(),
  languageSource: z.enum(['given', 'detected', 'default']),
  department,
  confidence: z.number().min(0).max(1).meta({ description: 'Calibrated probability that the department is right' }),
  probabilities: z.object({ technical: z.number(), commercial: z.number() }),
  /** The LLM's view when local confidence was low (and the text did not look like an injection). */
  secondOpinion: SecondOpinionSchema.optional(),
  suggestions: z.array(SuggestionSchema),
  noKnowledge: z.boolean().meta({ description: 'No article is relevant enough; no reply is invented' }),
  /** Absent from results stored before accounts existed. */
  account: z
    .object({ externalId: z.string(), name: z.string(), tier: z.string(), matchedBy: z.enum(['customer_id', 'email', 'domain', 'name']) })
    .nullable()
    .optional()
    .meta({ description: 'The directory account the sender was recognised as (POST /v1/accounts)' }),
  escalation: z.object({
    escalate: z.boolean(),
    score: z.number().min(0).max(1).meta({ description: 'Combined weight of the fired reasons, 1 − Π(1 − weight)' }),
    reasons: z.array(
      z.object({
        code: z.string().meta({ description: `A reason code of the policy: ${escalationReasons.join(', ')}, or a company's own` }),
        detail: z.string().meta({ description: 'Why, in words a lead reads: for text reasons the probability and the phrases behind it' }),
      }),
    ),
    scores: z
      .record(z.string(), z.number().min(0).max(1))
      .meta({ description: 'Calibrated probability of every text reason of the policy, fired or not' }),
    policyVersion: z.number().int().meta({ description: 'The escalation policy version this was decided under' }),
    secondOpinion: EscalationSecondOpinionSchema.optional().meta({
      description: 'With an LLM: its answers on the text reasons whose probability was near their threshold',
    }),
    id: z.string().nullable(),
    dueAt: z.string().nullable(),
  }),
  degraded: z.array(z.string()).optional(),
  /** languageMs and escalateMs are absent from results stored before they were measured. */
  timings: z
    .object({
      languageMs: z.number().optional(),
      embedMs: z.number(),
      classifyMs: z.number(),
      retrieveMs: z.number(),
      escalateMs: z.number().optional(),
      totalMs: z.number(),
    })
    .meta({ description: 'Milliseconds per step; classification and retrieval overlap, both counted from the end of embedding' }),
  /** escalationModel is absent from results stored before the learned detector. */
  versions: z.object({
    embeddingSpace: z.string(),
    classifier: z.string(),
    escalationModel: z.string().optional(),
    prompts: z.array(z.string()),
  }),
  createdAt: z.string(),
})

/** What POST /v1/triage returns and what is stored with the inquiry. */
export type TriageResult = z.infer<typeof TriageResultSchema>
/** A knowledge-base article suggested as a reply. */
export type Suggestion = z.infer<typeof SuggestionSchema>
/** The LLM's department when local confidence was low, and whether it was adopted. */
export type SecondOpinion = z.infer<typeof SecondOpinionSchema>
/** The LLM's answers on the uncertain text reasons, and which of them changed the detector's verdict. */
export type EscalationSecondOpinion = z.infer<typeof EscalationSecondOpinionSchema>
