import { z } from 'zod'
import { defaultHnswEfSearch } from './storage/session.js'
import { decodeSecretsKey } from './secrets/key.js'
import { builtInReasons, type BuiltInReason } from './triage/escalation/policy.js'
import { parseAllowedHosts, type OutboundPolicy } from './outbound/policy.js'
import { workersAiModels } from './providers/embeddings/workers-ai.js'

/**
 * Every setting comes from the environment through this one schema. Nothing else reads process.env:
 * entry points pass a plain record, so tests and other runtimes configure the service the same way.
 */
const emptyAsUnset = (value: unknown) => (value === '' ? undefined : value)
const setting = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUnset, schema)
const seconds = (fallback: number) => setting(z.coerce.number().positive().max(3600).default(fallback))

/** The built-in escalation reasons (a company's policy may add its own text reasons). */
export const escalationReasons = Object.keys(builtInReasons) as [BuiltInReason, ...BuiltInReason[]]
export type EscalationReason = BuiltInReason

/** A setting holding JSON, checked against a schema; the message says when it is not JSON at all. */
function jsonSetting<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown
      } catch {
        context.addIssue({ code: 'custom', message: 'must be JSON' })
        return z.NEVER
      }
    })
    .pipe(schema)
}

const hours = z
  .number()
  .positive()
  .max(24 * 90)
/** Hours until a lead should act: per reason, optionally per department ({"technical": {"safety": 1}}). */
const dueHoursSchema = z.record(z.string(), z.union([hours, z.record(z.string(), hours)]))

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value })
    return true
  } catch {
    return false
  }
}

/**
 * An admin key must not be guessable: 32 of the same character passes a length check. Refused when it
 * has few distinct characters or little Shannon entropy per character (a random base64 key has ~5 bits).
 */
function refuseGuessableKey(key: string, context: z.RefinementCtx) {
  if (key.length < 32) return // the length rule has said it already
  const counts = new Map<string, number>()
  for (const character of key) counts.set(character, (counts.get(character) ?? 0) + 1)
  const bitsPerCharacter = [...counts.values()].reduce((bits, count) => bits - (count / key.length) * Math.log2(count / key.length), 0)
  if (counts.size < 10 || bitsPerCharacter < 3) {
    context.addIssue({
      code: 'custom',
      message: 'is too easy to guess (too few different characters); generate one, e.g. `openssl rand -base64 32`',
    })
  }
}

const postgresUrl = z.string().refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// URL')

const secretsKey = z.string().transform(
  (text, context) =>
    decodeSecretsKey(text) ??
    (context.addIssue({
      code: 'custom',
      message: 'must be 32 bytes written as base64 or 64 hex digits (make one with: openssl rand -base64 32)',
    }),
    z.NEVER),
)

const configShape = {
  PORT: setting(z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: setting(z.string().min(1).default('127.0.0.1')),
  HEALTH_PORT: setting(
    z.coerce.number().int('must be a whole port number').min(0).max(65535, 'must be a port number (0–65535)').optional(),
  ),
  HEALTH_HOST: setting(z.string().min(1).optional()),
  HEALTH_MAX_LAG_SECONDS: setting(z.coerce.number().min(1, 'must be at least 1 (the heartbeat beats every 250 ms)').max(3600).default(30)),
  DATABASE_URL: setting(postgresUrl.optional()),
  DATABASE_SCHEMA: setting(
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'must be a plain lower-case schema name')
      .optional(),
  ),
  DATABASE_POOL_MAX: setting(z.coerce.number().int().min(1).max(200).default(10)),
  DATABASE_STARTUP_TIMEOUT_SECONDS: seconds(30),
  DATA_DIR: setting(z.string().min(1).default('./data')),
  SECRETS_KEY: setting(secretsKey.optional()),
  SECRETS_KEY_PREVIOUS: setting(secretsKey.optional()),
  ADMIN_API_KEY: setting(z.string().min(32, 'must be at least 32 characters long').superRefine(refuseGuessableKey).optional()),
  LOG_LEVEL: setting(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info')),
  BODY_LIMIT_BYTES: setting(
    z.coerce
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(1024 * 1024),
  ),
  SHUTDOWN_TIMEOUT_SECONDS: seconds(10),
  KB_IMPORT_BODY_LIMIT_BYTES: setting(
    z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(32 * 1024 * 1024),
  ),
  EMBEDDINGS_PROVIDER: setting(z.enum(['auto', 'transformers', 'openai', 'hashing', 'workers-ai']).default('auto')),
  EMBEDDINGS_MODEL: setting(z.string().min(1).default('Xenova/multilingual-e5-small')),
  EMBEDDINGS_MODEL_DIR: setting(z.string().min(1).optional()),
  EMBEDDINGS_CACHE_DIR: setting(z.string().min(1).optional()),
  EMBEDDINGS_LOAD_TIMEOUT_SECONDS: seconds(120),
  EMBEDDINGS_QUANTIZED: setting(z.enum(['true', 'false'], { message: 'must be true or false' }).default('true')),
  EMBEDDINGS_THREADS: setting(z.coerce.number().int('must be a whole number').min(0).max(64).default(1)),
  EMBEDDINGS_BATCH_MAX: setting(z.coerce.number().int('must be a whole number').min(1).max(256).default(32)),
  EMBEDDINGS_BATCH_WAIT_MS: setting(z.coerce.number().int('must be whole milliseconds').min(0).max(100).default(3)),
  EMBEDDINGS_CACHE_SIZE: setting(z.coerce.number().int('must be a whole number').min(0).max(1_000_000).default(1000)),
  HASHING_DIMENSIONS: setting(z.coerce.number().int().min(64).max(2000).default(1024)),
  WORKERS_AI_EMBEDDINGS_MODEL: setting(z.string().min(1).default('@cf/baai/bge-m3')),
  WORKERS_AI_EMBEDDINGS_DIMENSIONS: setting(z.coerce.number().int().min(1).max(2000).optional()),
  OPENAI_BASE_URL: setting(z.string().url().optional()),
  OPENAI_API_KEY: setting(z.string().min(1).optional()),
  OPENAI_EMBEDDINGS_MODEL: setting(z.string().min(1).default('text-embedding-3-small')),
  OPENAI_EMBEDDINGS_DIMENSIONS: setting(z.coerce.number().int().min(1).max(2000).optional()),
  OPENAI_TIMEOUT_SECONDS: seconds(30),
  OPENAI_MAX_RETRIES: setting(z.coerce.number().int().min(0).max(10).default(3)),
  OPENAI_CHAT_MODEL: setting(z.string().min(1).default('gpt-4o-mini')),
  LLM_ENABLED: setting(z.enum(['auto', 'true', 'false']).default('auto')),
  LLM_TIMEOUT_SECONDS: seconds(8),
  ESCALATION_THRESHOLD: setting(z.coerce.number().min(0).max(1).default(0.5)),
  ESCALATION_WEIGHTS: setting(jsonSetting(z.partialRecord(z.enum(escalationReasons), z.number().min(0).max(1))).default({})),
  ESCALATION_DUE_HOURS: setting(jsonSetting(dueHoursSchema).default({})),
  LOW_CONFIDENCE_THRESHOLD: setting(z.coerce.number().min(0.5).max(1).default(0.7)),
  NO_KNOWLEDGE_SIMILARITY: setting(z.coerce.number().min(0).max(1).optional()),
  SUGGESTION_MIN_RELEVANCE: setting(z.coerce.number().min(0).max(1).default(0.12)),
  REPEAT_CONTACT_COUNT: setting(z.coerce.number().int().min(2).max(100).default(3)),
  REPEAT_CONTACT_DAYS: setting(z.coerce.number().int().min(1).max(365).default(14)),
  SAFETY_ARTICLE_TAG: setting(z.string().trim().min(1).max(100).default('safety')),
  SLA_FIRST_RESPONSE_HOURS: setting(
    jsonSetting(z.partialRecord(z.enum(['standard', 'premium', 'key_account']), z.number().positive())).default({}),
  ),
  TRAINING_LOAD_DEFAULTS: setting(z.enum(['true', 'false']).default('true')),
  KB_LOAD_DEMO: setting(z.enum(['true', 'false']).default('true')),
  KB_REINDEX_ON_START: setting(z.enum(['true', 'false']).default('true')),
  KB_HNSW_EF_SEARCH: setting(z.coerce.number().int().min(10).max(1000).default(defaultHnswEfSearch)),
  WORKER_CONCURRENCY: setting(z.coerce.number().int().min(0).max(64).default(4)),
  JOB_LEASE_SECONDS: seconds(60),
  JOB_POLL_INTERVAL_MS: setting(z.coerce.number().int().min(10).max(60_000).default(500)),
  JOB_MAX_ATTEMPTS: setting(z.coerce.number().int().min(1).max(100).default(25)),
  WRITE_BACK_TIMEOUT_SECONDS: seconds(15),
  LEAD_NOTIFY_WEBHOOK_URL: setting(
    z
      .string()
      .url()
      .refine((value) => /^https?:\/\//i.test(value), 'must be an http(s) URL')
      .optional(),
  ),
  LEAD_WEEKLY_DIGEST: setting(z.enum(['true', 'false']).default('true')),
  PUBLIC_BASE_URL: setting(z.string().url().optional()),
  UI_SESSION_HOURS: setting(
    z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(12),
  ),
  RATE_LIMIT_ENABLED: setting(z.enum(['true', 'false']).default('true')),
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: setting(z.coerce.number().int().min(1).max(1_000_000).default(12_000)),
  RATE_LIMIT_PER_KEY_PER_MINUTE: setting(z.coerce.number().int().min(1).max(1_000_000).default(6_000)),
  RATE_LIMIT_AUTH_FAILURES: setting(z.coerce.number().int().min(1).max(10_000).default(10)),
  TRUST_PROXY: setting(z.enum(['true', 'false']).default('false')),
  TRIAGE_MAX_CONCURRENT: setting(z.coerce.number().int().min(1).max(1000).default(8)),
  TRIAGE_MAX_QUEUE: setting(z.coerce.number().int().min(0).max(10_000).default(64)),
  UI_TIME_ZONE: setting(z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').default('Europe/Berlin')),
  REPORTS_PER_AGENT: setting(z.enum(['true', 'false'], { message: 'must be true or false' }).default('false')),
  RETENTION_DAYS: setting(
    z.coerce
      .number()
      .int('must be a whole number of days')
      .min(1, 'must be at least 1 (leave unset to keep inquiries)')
      .max(36_500)
      .optional(),
  ),
  COOKIE_SECURE: setting(z.enum(['auto', 'always', 'never'], { message: 'must be auto, always or never' }).default('auto')),
  HSTS_MAX_AGE_SECONDS: setting(
    z.coerce
      .number()
      .int()
      .min(0)
      .max(2 * 365 * 24 * 3600, 'must be at most 63072000 (two years)')
      .default(0),
  ),
  OUTBOUND_ALLOWED_HOSTS: setting(
    z
      .string()
      .max(10_000)
      .default('')
      .transform((text, context) => {
        const parsed = parseAllowedHosts(text)
        for (const problem of parsed.problems)
          context.addIssue({ code: 'custom', message: `${problem}; list host names, IP addresses or CIDR ranges, comma-separated` })
        return { names: parsed.names, ranges: parsed.ranges }
      }),
  ),
  OUTBOUND_ALLOW_HTTP: setting(
    z.enum(['false', 'true', 'allowed-hosts'], { message: 'must be false, true or allowed-hosts' }).default('false'),
  ),
}

const checkedSettings = z.object(configShape).superRefine((env, context) => {
  // The embedded default keeps a generated key file beside its data; a server database has no such
  // place the operator would back up with it, so the key must come from them.
  if (env.DATABASE_URL && !env.SECRETS_KEY) {
    context.addIssue({
      code: 'custom',
      path: ['SECRETS_KEY'],
      message:
        'is required with DATABASE_URL: it encrypts the stored webhook secrets and helpdesk tokens (make one with: openssl rand -base64 32, and keep it in your secret store)',
    })
  }
  if (env.SECRETS_KEY_PREVIOUS && !env.SECRETS_KEY) {
    context.addIssue({
      code: 'custom',
      path: ['SECRETS_KEY_PREVIOUS'],
      message: 'is only read beside SECRETS_KEY (the new key) during a key rotation',
    })
  }
  if (env.HEALTH_PORT !== undefined && env.HEALTH_PORT !== 0 && env.HEALTH_PORT === env.PORT) {
    context.addIssue({ code: 'custom', path: ['HEALTH_PORT'], message: 'must differ from PORT: the health port is a second listener' })
  }
  if (env.HEALTH_HOST && env.HEALTH_PORT === undefined) {
    context.addIssue({ code: 'custom', path: ['HEALTH_HOST'], message: 'is only read with HEALTH_PORT (the separate liveness port)' })
  }
  if (env.LLM_ENABLED === 'true' && !env.OPENAI_API_KEY) {
    context.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: 'is required when LLM_ENABLED=true' })
  }
  if (env.HSTS_MAX_AGE_SECONDS > 0 && env.COOKIE_SECURE === 'never') {
    context.addIssue({ code: 'custom', path: ['HSTS_MAX_AGE_SECONDS'], message: 'needs TLS, but COOKIE_SECURE=never says there is none' })
  }
  if (env.EMBEDDINGS_PROVIDER === 'openai' && !env.OPENAI_API_KEY) {
    context.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: 'is required when EMBEDDINGS_PROVIDER=openai' })
  }
  if (
    env.EMBEDDINGS_PROVIDER === 'workers-ai' &&
    !env.WORKERS_AI_EMBEDDINGS_DIMENSIONS &&
    !workersAiModels[env.WORKERS_AI_EMBEDDINGS_MODEL]
  ) {
    context.addIssue({
      code: 'custom',
      path: ['WORKERS_AI_EMBEDDINGS_DIMENSIONS'],
      message: `is required for ${env.WORKERS_AI_EMBEDDINGS_MODEL}: the size of its vectors is not known here (known: ${Object.keys(workersAiModels).join(', ')})`,
    })
  }
})

/** The settings grouped by what reads them; the `Config` type is inferred from this, so there is no second definition. */
export const configSchema = checkedSettings.transform((env) => ({
  port: env.PORT,
  host: env.HOST,
  /**
   * The liveness port answered by a worker thread (src/entry/health-port.ts), so probes never wait behind
   * the main event loop; it fails once the main loop has not beaten for maxLagMs. port undefined: off.
   */
  health: { port: env.HEALTH_PORT, host: env.HEALTH_HOST ?? env.HOST, maxLagMs: env.HEALTH_MAX_LAG_SECONDS * 1000 },
  databaseUrl: env.DATABASE_URL,
  /** A schema put first on the search_path (the Worker's Hyperdrive connections; tests isolate themselves this way). */
  databaseSchema: env.DATABASE_SCHEMA,
  databasePoolMax: env.DATABASE_POOL_MAX,
  databaseStartupTimeoutMs: env.DATABASE_STARTUP_TIMEOUT_SECONDS * 1000,
  dataDir: env.DATA_DIR,
  adminApiKey: env.ADMIN_API_KEY,
  /** The key stored secrets are encrypted with, and the one before it during a rotation (read only). */
  secrets: { key: env.SECRETS_KEY, previousKey: env.SECRETS_KEY_PREVIOUS },
  logLevel: env.LOG_LEVEL,
  bodyLimitBytes: env.BODY_LIMIT_BYTES,
  kbImportBodyLimitBytes: env.KB_IMPORT_BODY_LIMIT_BYTES,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_SECONDS * 1000,
  embeddings: {
    provider: env.EMBEDDINGS_PROVIDER,
    model: env.EMBEDDINGS_MODEL,
    modelDir: env.EMBEDDINGS_MODEL_DIR,
    cacheDir: env.EMBEDDINGS_CACHE_DIR,
    loadTimeoutMs: env.EMBEDDINGS_LOAD_TIMEOUT_SECONDS * 1000,
    /** The transformers model's int8 file (onnx/model_quantized.onnx) rather than the fp32 one. */
    quantized: env.EMBEDDINGS_QUANTIZED === 'true',
    /** ONNX Runtime intra-op threads per model run; 0 = ONNX Runtime's own choice. */
    threads: env.EMBEDDINGS_THREADS,
    /**
     * Micro-batching (waitMs 0 = off): calls arriving within waitMs share one model run of up to maxBatch texts;
     * at most 8 batches' worth of texts wait, more are refused with 503.
     */
    batching:
      env.EMBEDDINGS_BATCH_WAIT_MS > 0
        ? { maxBatch: env.EMBEDDINGS_BATCH_MAX, maxWaitMs: env.EMBEDDINGS_BATCH_WAIT_MS, maxQueue: 8 * env.EMBEDDINGS_BATCH_MAX }
        : undefined,
    /** Vectors remembered by purpose and text; 0 = no cache. */
    cacheSize: env.EMBEDDINGS_CACHE_SIZE,
    hashingDimensions: env.HASHING_DIMENSIONS,
    /** The Worker's AI binding (EMBEDDINGS_PROVIDER=workers-ai); the space is named by model and dimensions. */
    workersAi: {
      model: env.WORKERS_AI_EMBEDDINGS_MODEL,
      dimensions: env.WORKERS_AI_EMBEDDINGS_DIMENSIONS ?? workersAiModels[env.WORKERS_AI_EMBEDDINGS_MODEL]?.dimensions,
    },
  },
  openai: {
    baseUrl: env.OPENAI_BASE_URL,
    apiKey: env.OPENAI_API_KEY,
    embeddingsModel: env.OPENAI_EMBEDDINGS_MODEL,
    embeddingsDimensions: env.OPENAI_EMBEDDINGS_DIMENSIONS,
    timeoutMs: env.OPENAI_TIMEOUT_SECONDS * 1000,
    maxRetries: env.OPENAI_MAX_RETRIES,
    chatModel: env.OPENAI_CHAT_MODEL,
  },
  /** Drafting replies and second opinions with the chat model: on when an API key is set (auto). */
  llm: {
    enabled: env.LLM_ENABLED === 'true' || (env.LLM_ENABLED === 'auto' && Boolean(env.OPENAI_API_KEY)),
    timeoutMs: env.LLM_TIMEOUT_SECONDS * 1000,
  },
  /** hnswEfSearch: HNSW candidate list per kNN query, set on every database session. */
  knowledge: {
    loadDemo: env.KB_LOAD_DEMO === 'true',
    reindexOnStart: env.KB_REINDEX_ON_START === 'true',
    hnswEfSearch: env.KB_HNSW_EF_SEARCH,
  },
  /** Background jobs: workerConcurrency 0 runs none in the server (then run `npm run worker`). */
  jobs: {
    workerConcurrency: env.WORKER_CONCURRENCY,
    leaseMs: env.JOB_LEASE_SECONDS * 1000,
    pollIntervalMs: env.JOB_POLL_INTERVAL_MS,
    maxAttempts: env.JOB_MAX_ATTEMPTS,
    writeBackTimeoutMs: env.WRITE_BACK_TIMEOUT_SECONDS * 1000,
  },
  /** notifyWebhookUrl: a Slack- or Teams-compatible incoming webhook told about every escalation. */
  leads: {
    notifyWebhookUrl: env.LEAD_NOTIFY_WEBHOOK_URL,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    weeklyDigest: env.LEAD_WEEKLY_DIGEST === 'true',
  },
  /** The web UI: how long a sign-in lasts, and the time zone its pages show times in. */
  ui: { sessionTtlMs: env.UI_SESSION_HOURS * 3600_000, timeZone: env.UI_TIME_ZONE },
  /**
   * perAgent: the training-needs report also lists figures per agent. Off by default: in Germany, monitoring
   * employees' performance needs the works council's agreement (BetrVG § 87 (1) no. 6).
   */
  reports: { perAgent: env.REPORTS_PER_AGENT === 'true' },
  /** retentionDays: inquiries older than this are purged with everything derived; undefined keeps them. */
  privacy: { retentionDays: env.RETENTION_DAYS },
  /** Behind TLS: cookies Secure always, by request (auto) or never; HSTS max-age in seconds, 0 sends none. */
  tls: { cookieSecure: env.COOKIE_SECURE, hstsMaxAgeSeconds: env.HSTS_MAX_AGE_SECONDS },
  /** Where write-back and callback URLs may point (docs/outbound.md): https and public addresses unless listed. */
  outbound: {
    allowedNames: env.OUTBOUND_ALLOWED_HOSTS.names,
    allowedRanges: env.OUTBOUND_ALLOWED_HOSTS.ranges,
    plainHttp: ({ false: 'never', true: 'always', 'allowed-hosts': 'allowed-hosts' } as const)[env.OUTBOUND_ALLOW_HTTP],
  } satisfies OutboundPolicy,
  /** Per-process limits (each instance counts alone); trustProxy takes the client address from X-Forwarded-For. */
  rateLimit: {
    enabled: env.RATE_LIMIT_ENABLED === 'true',
    perAddressPerMinute: env.RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
    perKeyPerMinute: env.RATE_LIMIT_PER_KEY_PER_MINUTE,
    authFailures: env.RATE_LIMIT_AUTH_FAILURES,
    trustProxy: env.TRUST_PROXY === 'true',
  },
  /** Synchronous triage requests running at once, and waiting; beyond both, 503 at once. */
  triageLimit: { maxConcurrent: env.TRIAGE_MAX_CONCURRENT, maxQueue: env.TRIAGE_MAX_QUEUE },
  triage: {
    escalationThreshold: env.ESCALATION_THRESHOLD,
    escalationWeights: env.ESCALATION_WEIGHTS,
    escalationDueHours: env.ESCALATION_DUE_HOURS,
    lowConfidenceThreshold: env.LOW_CONFIDENCE_THRESHOLD,
    noKnowledgeSimilarity: env.NO_KNOWLEDGE_SIMILARITY,
    /** Suggestions rated under this relevance are dropped, not padded (spaces with a relevance model). */
    suggestionMinRelevance: env.SUGGESTION_MIN_RELEVANCE,
    repeatContactCount: env.REPEAT_CONTACT_COUNT,
    repeatContactDays: env.REPEAT_CONTACT_DAYS,
    slaFirstResponseHours: env.SLA_FIRST_RESPONSE_HOURS,
    loadDefaultExamples: env.TRAINING_LOAD_DEFAULTS === 'true',
    /** Knowledge-base tag of the articles put first when an inquiry reports a hazard (`safety`). */
    safetyArticleTag: env.SAFETY_ARTICLE_TAG,
  },
}))

export type Config = z.output<typeof configSchema>

/** Every bad variable at once, so an operator fixes them in one go instead of one restart each. */
export class ConfigError extends Error {
  constructor(readonly problems: Array<{ variable: string; message: string }>) {
    super('Invalid configuration:\n' + problems.map((problem) => `  ${problem.variable}: ${problem.message}`).join('\n'))
    this.name = 'ConfigError'
  }
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const known = Object.fromEntries(Object.keys(configShape).map((key) => [key, env[key]]))
  const result = configSchema.safeParse(known)
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const inner = issue.path.slice(1).map(String).join('.')
        return { variable: String(issue.path[0] ?? '?'), message: inner ? `${inner}: ${issue.message}` : issue.message }
      }),
    )
  }
  return result.data
}
