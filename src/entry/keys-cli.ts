import { parseArgs } from 'node:util'
import { ApiKeyInputSchema, createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys.js'
import { roles } from '../auth/roles.js'
import { runCommand, UsageError } from '../platform/node/node-deps.js'

const usage = `usage:
  npm run keys -- create --role <${roles.join('|')}> --name "<name>"
  npm run keys -- list
  npm run keys -- revoke <id>`

/** Checks the arguments before touching the database, so a typo costs nothing. */
function parseCommand(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
  })
  const [command, ...rest] = positionals
  if (command === 'create') {
    if (!values.role || !(roles as readonly string[]).includes(values.role))
      throw new UsageError(`--role must be one of ${roles.join(', ')}`)
    if (!values.name?.trim()) throw new UsageError('--name is required')
    const input = ApiKeyInputSchema.safeParse({ name: values.name, role: values.role })
    if (!input.success) throw new UsageError(input.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; '))
    return { command, ...input.data } as const
  }
  if (command === 'list') return { command } as const
  if (command === 'revoke' && rest.length === 1) return { command, id: rest[0]! } as const
  throw new UsageError(command ? `unknown or incomplete command: ${command}` : 'no command given')
}

await runCommand(
  usage,
  parseCommand,
  async (deps, parsed) => {
    if (parsed.command === 'create') {
      const created = await createApiKey(deps, parsed)
      process.stdout.write(
        `created ${created.role} key "${created.name}" (id ${created.id})\nkey: ${created.key}\nIt is shown only now; store it safely.\n`,
      )
    } else if (parsed.command === 'list') {
      for (const key of await listApiKeys(deps)) {
        process.stdout.write(
          `${key.id}  ${key.role.padEnd(11)}  ${key.revokedAt ? `revoked ${key.revokedAt}` : 'active'.padEnd(32)}  ${key.name}\n`,
        )
      }
    } else {
      const revoked = await revokeApiKey(deps, parsed.id)
      process.stdout.write(`revoked ${revoked.id} (${revoked.name}) at ${revoked.revokedAt}\n`)
    }
  },
  { needsExistingDatabase: (parsed) => parsed.command !== 'create' },
)
