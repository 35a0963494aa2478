import { parseArgs } from 'node:util'
import {
  IntegrationCreateSchema,
  IntegrationUpdateSchema,
  createIntegration,
  deleteIntegration,
  getIntegration,
  listIntegrations,
  updateIntegration,
  type Integration,
} from '../integrations/integrations.js'
import { generateStandardWebhookSecret } from '../webhooks/standard-webhooks.js'
import { webhookTypes } from '../webhooks/types.js'
import { runCommand, UsageError } from '../platform/node/node-deps.js'

const usage = `usage:
  npm run integrations -- create --name <name> --type <${webhookTypes.join('|')}> (--secret <secret> | --generate-secret)
                         [--callback-url <url>] [--api-base-url <url> --api-token <token>]
                         [--technical-group <group>] [--commercial-group <group>]
  npm run integrations -- list
  npm run integrations -- show <name>
  npm run integrations -- update <name> [--secret <secret> | --generate-secret] [--previous-secret-valid-hours <0-168>]
                         [--callback-url <url>] [--api-base-url <url>] [--api-token <token>]
                         [--technical-group <group>] [--commercial-group <group>]
  npm run integrations -- delete <name>
Secrets are stored and never shown again, except one made by --generate-secret, printed once.
Read a secret from the environment instead of the command line (shell history): --secret "$WEBHOOK_SECRET".`

const options = {
  name: { type: 'string' },
  type: { type: 'string' },
  secret: { type: 'string' },
  'generate-secret': { type: 'boolean' },
  'callback-url': { type: 'string' },
  'api-base-url': { type: 'string' },
  'api-token': { type: 'string' },
  'technical-group': { type: 'string' },
  'commercial-group': { type: 'string' },
  'previous-secret-valid-hours': { type: 'string' },
} as const

type Values = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof options }>>['values']

/** A new secret of the form the type needs (generic: a Standard Webhooks secret). */
const generateSecret = (type: string | undefined) =>
  type === 'generic' ? generateStandardWebhookSecret() : crypto.randomUUID().replaceAll('-', '')

/**
 * The settings the flags name, in the API's terms; a generated secret is returned so it can be printed once.
 * Without the type (update), a placeholder of the right length stands in until the stored type is known.
 */
function settingsFrom(values: Values, type: string | undefined) {
  if (values.secret && values['generate-secret']) throw new UsageError('give --secret or --generate-secret, not both')
  const generated = values['generate-secret'] ? generateSecret(type) : undefined
  const groups = { technical: values['technical-group'], commercial: values['commercial-group'] }
  const departmentGroups = Object.fromEntries(Object.entries(groups).filter(([, group]) => group !== undefined))
  const settings = {
    secret: generated ?? values.secret,
    callbackUrl: values['callback-url'],
    apiBaseUrl: values['api-base-url'],
    apiToken: values['api-token'],
    ...(Object.keys(departmentGroups).length ? { departmentGroups } : {}),
  }
  return { settings: Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)), generated }
}

/** Checks the arguments (with the API's own schemas) before touching the database. */
function parseCommand(argv: string[]) {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options })
  const [command, ...rest] = positionals
  if (command === 'list' && rest.length === 0) return { command } as const
  if ((command === 'show' || command === 'delete') && rest.length === 1) return { command, name: rest[0]! } as const
  if (command === 'create' && rest.length === 0) {
    if (!values.secret && !values['generate-secret']) throw new UsageError('create needs --secret <secret> or --generate-secret')
    const { settings, generated } = settingsFrom(values, values.type)
    return { command, input: checked(IntegrationCreateSchema, { name: values.name, type: values.type, ...settings }), generated } as const
  }
  if (command === 'update' && rest.length === 1) {
    const { settings, generated } = settingsFrom(values, undefined)
    const hours = values['previous-secret-valid-hours']
    // A number for the schema to check; anything else ("24h") stays a string and is refused by it.
    const overlap = hours === undefined ? {} : { previousSecretValidHours: /^\d+$/.test(hours) ? Number(hours) : hours }
    if (Object.keys(settings).length === 0 && hours === undefined) throw new UsageError('update needs at least one setting to change')
    return { command, name: rest[0]!, changes: checked(IntegrationUpdateSchema, { ...settings, ...overlap }), generated } as const
  }
  throw new UsageError(command ? `unknown or incomplete command: ${command}` : 'no command given')
}

function checked<T>(
  schema: {
    safeParse(
      value: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } }
  },
  value: unknown,
): T {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  throw new UsageError(parsed.error.issues.map((issue) => `${flagOf(issue.path)}: ${issue.message}`).join('\n'))
}

const flagNames: Record<string, string> = {
  callbackUrl: '--callback-url',
  apiBaseUrl: '--api-base-url',
  apiToken: '--api-token',
  departmentGroups: '--<department>-group',
  previousSecretValidHours: '--previous-secret-valid-hours',
}
const flagOf = (path: PropertyKey[]) => flagNames[String(path[0])] ?? `--${String(path[0] ?? 'arguments')}`

function describe(integration: Integration): string {
  const groups = Object.entries(integration.departmentGroups)
    .map(([department, group]) => `${department}→${group}`)
    .join(', ')
  return [
    `${integration.name} (${integration.type})`,
    `  webhook URL path: ${integration.webhookPath}`,
    `  write-back: ${integration.writeBack}${integration.apiBaseUrl ? ` via ${integration.apiBaseUrl}` : ''}${integration.callbackUrl ? ` to ${integration.callbackUrl}` : ''}`,
    ...(groups ? [`  groups: ${groups}`] : []),
    ...(integration.previousSecretExpiresAt ? [`  previous secret accepted until ${integration.previousSecretExpiresAt}`] : []),
  ].join('\n')
}

await runCommand(usage, parseCommand, async (deps, parsed) => {
  let generated = parsed.command === 'create' ? parsed.generated : undefined
  switch (parsed.command) {
    case 'create':
      process.stdout.write(`created ${describe(await createIntegration(deps, parsed.input))}\n`)
      break
    case 'update': {
      // The stored type decides the form of a generated secret (generic needs whsec_), and the group
      // flags change one group each while the API's departmentGroups replaces the map: merge first.
      const current = await getIntegration(deps, parsed.name)
      if (parsed.generated) generated = generateSecret(current.type)
      const { departmentGroups } = parsed.changes
      const changes = {
        ...parsed.changes,
        ...(generated ? { secret: generated } : {}),
        ...(departmentGroups ? { departmentGroups: { ...current.departmentGroups, ...departmentGroups } } : {}),
      }
      process.stdout.write(`updated ${describe(await updateIntegration(deps, parsed.name, changes))}\n`)
      break
    }
    case 'list':
      for (const integration of await listIntegrations(deps)) process.stdout.write(`${describe(integration)}\n`)
      break
    case 'show':
      process.stdout.write(`${describe(await getIntegration(deps, parsed.name))}\n`)
      break
    case 'delete':
      await deleteIntegration(deps, parsed.name)
      process.stdout.write(`deleted ${parsed.name}\n`)
      break
  }
  if (generated) {
    process.stdout.write(`secret: ${generated}\nIt is shown only now; configure it in the helpdesk.\n`)
  }
})
