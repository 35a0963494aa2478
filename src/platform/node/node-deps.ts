import { existsSync } from 'node:fs'
import type { AdminAccess } from '../../auth/api-keys.js'
import type { IncomingMessage } from 'node:http'
import { systemClock } from '../../clock.js'
import { ConfigError, parseConfig, type Config } from '../../config.js'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { createNodeLogger } from './node-logger.js'
import { loadMigrationFiles } from './storage/migration-files.js'
import { describeDatabase, openDatabase } from './storage/open.js'
import { prepareDatabase } from '../../storage/prepare.js'
import { createHashingEmbedder } from '../../providers/embeddings/hashing.js'
import { createEmbeddingRuntime } from '../../providers/embeddings/runtime.js'
import { createDepartmentClassifier } from '../../triage/classifier-service.js'
import { createEscalationDetector } from '../../triage/escalation/detector-service.js'
import { readEscalationCorpus } from './knowledge-import/read-files.js'
import { createFileModelStore, modelCacheFolder } from './model-file-store.js'
import { selectLlm } from '../../providers/llm/select.js'
import { createNodeOutboundGuard } from './node-outbound.js'
import { resolveSecretBox } from '../../secrets/resolve.js'
import { createSecretsKeyFile } from './secrets-key-file.js'

/** Builds the dependency bundle for any Node entry point (server, CLIs) from process.env. */
export async function buildNodeDeps(env: NodeJS.ProcessEnv = process.env): Promise<Deps> {
  const config = parseConfig(env)
  refuseWorkerOnlySettings(config)
  const logger = createNodeLogger(config)
  const migrations = await loadMigrationFiles()
  const secrets = await resolveSecretBox(config, createSecretsKeyFile(config.dataDir, logger), logger)
  const sql = await openDatabase(config, logger)
  // Until start-up has chosen the embedder, /v1 answers 503; this placeholder is never used for writes.
  const embeddings = createEmbeddingRuntime(createHashingEmbedder(config.embeddings.hashingDimensions), {
    requested: config.embeddings.provider,
    provider: 'hashing',
    reason: 'starting',
  })
  return {
    config,
    sql,
    logger,
    peerAddress: socketPeerAddress,
    clock: systemClock,
    migrations,
    secrets,
    startup: { phase: 'starting' },
    embeddings,
    classifier: createDepartmentClassifier(),
    escalation: createEscalationDetector({
      readCorpus: readEscalationCorpus,
      // PostgreSQL is shared (Worker isolates, other instances load from it), so a cached model is copied there;
      // the embedded database serves this process alone, which the file cache serves too (a 15 MB write saved).
      store: createFileModelStore(modelCacheFolder, { copyCachedToDatabase: config.databaseUrl !== undefined }),
    }),
    llm: selectLlm(config, systemClock, logger),
    outbound: createNodeOutboundGuard(config.outbound),
  }
}

/** The one config schema serves both runtimes; what only a Worker has (the AI binding) is refused here, before anything opens. */
function refuseWorkerOnlySettings(config: Config): void {
  if (config.embeddings.provider === 'workers-ai')
    throw new ConfigError([
      {
        variable: 'EMBEDDINGS_PROVIDER',
        message:
          'workers-ai embeds through the AI binding of a Cloudflare Worker, which a Node process does not have; choose transformers, openai or hashing here',
      },
    ])
}

/** @hono/node-server passes the Node request as `incoming`; its socket knows who connected. */
function socketPeerAddress(bindings: unknown): string | undefined {
  return (bindings as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress
}

/** Runs a command-line main: known failures print their message, and every failure exits non-zero. */
export async function runMain(main: () => Promise<number | void>): Promise<never> {
  try {
    process.exit((await main()) ?? 0)
  } catch (error) {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`)
    else process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  }
}

/** A wrong command line: printed with the usage, exit code 2, before the database is opened. */
export class UsageError extends Error {}

/**
 * For commands without arguments: a flag they do not take (a hopeful --dry-run, say) must not run them
 * anyway. Returns the exit code 2 after printing the usage, or undefined when there is nothing to refuse.
 */
export function refuseArguments(command: string): 2 | undefined {
  const given = process.argv.slice(2)
  if (given.length === 0) return undefined
  process.stderr.write(`error: npm run ${command} takes no arguments (got ${given.join(' ')})\nusage: npm run ${command}\n`)
  return 2
}

/**
 * An admin command: arguments are checked before the database is touched (exit 2 with the usage), the
 * database is migrated and closed afterwards, and a refusal of the domain (AppError) prints its message
 * and fields and exits 3 for "not found", 1 otherwise.
 */
/** A line for a command-line run that found no admin key: the key is generated where it is printed, at `npm start`. */
export function adminAccessNote(access: AdminAccess): string {
  return access === 'none'
    ? 'No admin API key exists yet: the first `npm start` generates one and prints it once (or set ADMIN_API_KEY).\n'
    : ''
}

/**
 * For commands that only read or change what is there (`keys list`, `keys revoke`): an embedded database
 * folder that does not exist is a wrong DATA_DIR, so it is named instead of silently created empty.
 */
function missingDataFolder(env: NodeJS.ProcessEnv): string | undefined {
  const config = parseConfig(env)
  const folder = `${config.dataDir.replace(/\/+$/, '')}/pglite`
  if (config.databaseUrl || existsSync(folder)) return undefined
  return `error: no database in ${folder}. Set DATA_DIR to the service's data folder (or DATABASE_URL); nothing was created.\n`
}

export function runCommand<Parsed>(
  usage: string,
  parse: (argv: string[]) => Parsed,
  run: (deps: Deps, parsed: Parsed) => Promise<void>,
  options: { needsExistingDatabase?: (parsed: Parsed) => boolean } = {},
): Promise<never> {
  return runMain(async () => {
    let parsed: Parsed
    try {
      parsed = parse(process.argv.slice(2))
    } catch (error) {
      // UsageError, or parseArgs refusing an unknown flag.
      process.stderr.write(`error: ${(error as Error).message}\n${usage}\n`)
      return 2
    }
    const missing = options.needsExistingDatabase?.(parsed) ? missingDataFolder(process.env) : undefined
    if (missing) {
      process.stderr.write(missing)
      return 1
    }
    const deps = await buildNodeDeps()
    try {
      process.stderr.write(`using ${describeDatabase(deps.config)}\n`)
      const { adminAccess } = await prepareDatabase(deps)
      process.stderr.write(adminAccessNote(adminAccess))
      await run(deps, parsed)
      return 0
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      const fields = error.errors?.map((field) => `\n  ${field.field}: ${field.message}`).join('') ?? ''
      process.stderr.write(`error: ${error.message}${fields}\n`)
      return error.code === 'not_found' ? 3 : 1
    } finally {
      await deps.sql.close()
    }
  })
}
