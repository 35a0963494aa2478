import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../src/config.js'
import { buildNodeDeps } from '../src/platform/node/node-deps.js'

describe('config', () => {
  it('has defaults that serve on loopback with the embedded database', () => {
    expect(parseConfig({})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: './data',
      logLevel: 'info',
      bodyLimitBytes: 1024 * 1024,
      databaseStartupTimeoutMs: 30_000,
    })
  })

  it('reads every setting and treats empty values as unset', () => {
    const config = parseConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u:p@db:5432/triage',
      DATA_DIR: '/var/lib/triage',
      ADMIN_API_KEY: 'k3Jx9-Qm2vLp8Rt4Wz7Yb1Nc6Hd5Fg0Sa',
      LOG_LEVEL: 'debug',
      BODY_LIMIT_BYTES: '',
      SECRETS_KEY: 'A'.repeat(43) + '=',
    })
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u:p@db:5432/triage',
      dataDir: '/var/lib/triage',
      logLevel: 'debug',
      bodyLimitBytes: 1024 * 1024,
    })
  })

  it('names every bad variable in one error', () => {
    let error: unknown
    try {
      parseConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', ADMIN_API_KEY: 'short', LOG_LEVEL: 'loud', HOST: 'fine' })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    const variables = (error as ConfigError).problems.map((problem) => problem.variable).sort()
    expect(variables).toEqual(['ADMIN_API_KEY', 'DATABASE_URL', 'LOG_LEVEL', 'PORT'])
    expect((error as Error).message).toMatch(/ADMIN_API_KEY: must be at least 32 characters/)
  })

  it('refuses an admin key that is long enough but easy to guess, with a clear message', () => {
    for (const guessable of ['a'.repeat(32), 'abababababababababababababababab', 'password1password1password1password1']) {
      expect(() => parseConfig({ ADMIN_API_KEY: guessable }), guessable).toThrow(/ADMIN_API_KEY: is too easy to guess/)
    }
    expect(() => parseConfig({ ADMIN_API_KEY: 'test-admin-key-0123456789abcdef-0123456789' })).not.toThrow()
    expect(() => parseConfig({ ADMIN_API_KEY: 'HvTcMOGXPEjFwgCAuDdbPW/ZzMR0m4Ft1i+qUaQW3fM=' })).not.toThrow()
  })

  it('reads the rate limits, with defaults and a switch to turn them off', () => {
    expect(parseConfig({}).rateLimit).toEqual({
      enabled: true,
      perAddressPerMinute: 12_000,
      perKeyPerMinute: 6_000,
      authFailures: 10,
      trustProxy: false,
    })
    expect(parseConfig({ RATE_LIMIT_ENABLED: 'false', TRUST_PROXY: 'true' }).rateLimit).toMatchObject({ enabled: false, trustProxy: true })
    expect(() => parseConfig({ RATE_LIMIT_AUTH_FAILURES: '0' })).toThrow(/RATE_LIMIT_AUTH_FAILURES/)
    expect(parseConfig({}).triageLimit).toEqual({ maxConcurrent: 8, maxQueue: 64 })
  })

  it('reads the separate health port: off by default, on HOST unless HEALTH_HOST is set, and checked', () => {
    expect(parseConfig({}).health).toEqual({ port: undefined, host: '127.0.0.1', maxLagMs: 30_000 })
    expect(parseConfig({ HOST: '0.0.0.0', HEALTH_PORT: '9090', HEALTH_MAX_LAG_SECONDS: '5' }).health).toEqual({
      port: 9090,
      host: '0.0.0.0',
      maxLagMs: 5_000,
    })
    expect(parseConfig({ HEALTH_PORT: '0', HEALTH_HOST: '10.0.0.7' }).health).toMatchObject({ port: 0, host: '10.0.0.7' })
    expect(() => parseConfig({ HEALTH_PORT: 'ninety' })).toThrow(/HEALTH_PORT/)
    expect(() => parseConfig({ HEALTH_PORT: '70000' })).toThrow(/HEALTH_PORT: must be a port number/)
    expect(() => parseConfig({ PORT: '8080', HEALTH_PORT: '8080' })).toThrow(/HEALTH_PORT: must differ from PORT/)
    expect(() => parseConfig({ HEALTH_HOST: '0.0.0.0' })).toThrow(/HEALTH_HOST: is only read with HEALTH_PORT/)
    expect(() => parseConfig({ HEALTH_PORT: '9090', HEALTH_MAX_LAG_SECONDS: '0.1' })).toThrow(/HEALTH_MAX_LAG_SECONDS: must be at least 1/)
  })

  it('shows UI times in Europe/Berlin unless UI_TIME_ZONE names another IANA zone', () => {
    expect(parseConfig({}).ui.timeZone).toBe('Europe/Berlin')
    expect(parseConfig({ UI_TIME_ZONE: 'UTC' }).ui.timeZone).toBe('UTC')
    expect(() => parseConfig({ UI_TIME_ZONE: 'Mars/Olympus' })).toThrow(/UI_TIME_ZONE: must be an IANA time zone/)
  })

  it('keeps per-agent report figures off unless REPORTS_PER_AGENT=true (works council co-determination)', () => {
    expect(parseConfig({}).reports.perAgent).toBe(false)
    expect(parseConfig({ REPORTS_PER_AGENT: 'true' }).reports.perAgent).toBe(true)
    expect(() => parseConfig({ REPORTS_PER_AGENT: 'yes' })).toThrow(/REPORTS_PER_AGENT: must be true or false/)
  })

  it('ignores unrelated environment variables', () => {
    expect(() => parseConfig({ PATH: '/bin', HOME: '/root', PORT: '1' })).not.toThrow()
  })

  it('reads the Workers AI embeddings model, with the size of a known one or the one given', () => {
    expect(parseConfig({ EMBEDDINGS_PROVIDER: 'workers-ai' }).embeddings).toMatchObject({
      provider: 'workers-ai',
      workersAi: { model: '@cf/baai/bge-m3', dimensions: 1024 },
    })
    const other = parseConfig({
      EMBEDDINGS_PROVIDER: 'workers-ai',
      WORKERS_AI_EMBEDDINGS_MODEL: '@cf/x/new',
      WORKERS_AI_EMBEDDINGS_DIMENSIONS: '768',
    })
    expect(other.embeddings.workersAi).toEqual({ model: '@cf/x/new', dimensions: 768 })
  })

  it('reads the embedding runtime settings: quantised model, threads, batching (0 ms = off) and cache', () => {
    expect(parseConfig({}).embeddings).toMatchObject({
      quantized: true,
      threads: 1,
      batching: { maxBatch: 32, maxWaitMs: 3, maxQueue: 256 },
      cacheSize: 1000,
    })
    const tuned = parseConfig({
      EMBEDDINGS_QUANTIZED: 'false',
      EMBEDDINGS_THREADS: '2',
      EMBEDDINGS_BATCH_MAX: '16',
      EMBEDDINGS_BATCH_WAIT_MS: '5',
      EMBEDDINGS_CACHE_SIZE: '0',
    }).embeddings
    expect(tuned).toMatchObject({ quantized: false, threads: 2, batching: { maxBatch: 16, maxWaitMs: 5, maxQueue: 128 }, cacheSize: 0 })
    expect(parseConfig({ EMBEDDINGS_BATCH_WAIT_MS: '0' }).embeddings.batching).toBeUndefined()
    const bad = () =>
      parseConfig({ EMBEDDINGS_THREADS: '-1', EMBEDDINGS_BATCH_MAX: '0', EMBEDDINGS_BATCH_WAIT_MS: '2.5', EMBEDDINGS_QUANTIZED: 'int8' })
    expect(bad).toThrow(/EMBEDDINGS_THREADS: .*\n  EMBEDDINGS_BATCH_MAX: .*\n  EMBEDDINGS_BATCH_WAIT_MS: must be whole milliseconds/)
    expect(bad).toThrow(/EMBEDDINGS_QUANTIZED: must be true or false/)
  })

  it('asks for the dimensions of a Workers AI model whose size it does not know', () => {
    const parse = () => parseConfig({ EMBEDDINGS_PROVIDER: 'workers-ai', WORKERS_AI_EMBEDDINGS_MODEL: '@cf/x/new' })
    expect(parse).toThrow(ConfigError)
    expect(parse).toThrow(/WORKERS_AI_EMBEDDINGS_DIMENSIONS: is required for @cf\/x\/new/)
  })

  it('is refused on Node with EMBEDDINGS_PROVIDER=workers-ai, before anything opens: only a Worker has the AI binding', async () => {
    const building = buildNodeDeps({ EMBEDDINGS_PROVIDER: 'workers-ai', DATA_DIR: '/nonexistent/never-created' })
    await expect(building).rejects.toThrow(ConfigError)
    await expect(building).rejects.toThrow(/EMBEDDINGS_PROVIDER: workers-ai embeds through the AI binding of a Cloudflare Worker/)
  })
})
