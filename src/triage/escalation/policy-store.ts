import type { Principal } from '../../auth/roles.js'
import type { Config } from '../../config.js'
import type { Deps } from '../../deps.js'
import { AppError, fieldErrorsFrom } from '../../errors.js'
import { insertAudit } from '../../storage/queries/audit.js'
import * as queries from '../../storage/queries/escalation-policies.js'
import { defaultPolicy, EscalationPolicySchema, type EscalationPolicy, type StoredPolicy } from './policy.js'

/**
 * The policy in force: the highest stored version. An installation without one stores the shipped
 * default first, with the ESCALATION_* settings applied (they seed the first version; afterwards
 * PUT /v1/escalation-policy changes the policy).
 */
export async function currentPolicy(deps: Pick<Deps, 'sql' | 'config'>): Promise<StoredPolicy> {
  const row =
    (await queries.findCurrentPolicy(deps.sql)) ??
    (await queries.seedPolicy(deps.sql, seededPolicy(deps.config.triage))) ??
    (await queries.findCurrentPolicy(deps.sql))
  if (!row) throw new Error('no escalation policy could be read or stored')
  return toStoredPolicy(row)
}

/** An earlier version, as recorded with the escalations decided under it; 404 for an unknown one. */
export async function getPolicyVersion(deps: Pick<Deps, 'sql'>, version: number): Promise<StoredPolicy> {
  const row = await queries.findPolicyVersion(deps.sql, version)
  if (!row) throw new AppError('not_found', `No escalation policy version ${version}.`)
  return toStoredPolicy(row)
}

/**
 * Stores a new version when the whole policy is valid; otherwise 422 naming every bad field, and the
 * version in force stays. The change and its audit entry commit together.
 */
export async function replacePolicy(
  deps: Pick<Deps, 'sql' | 'config' | 'clock'>,
  principal: Principal,
  input: unknown,
): Promise<StoredPolicy> {
  const parsed = EscalationPolicySchema.safeParse(input)
  if (!parsed.success)
    throw new AppError('validation_failed', 'The escalation policy is invalid; the version in force stays.', {
      errors: fieldErrorsFrom(parsed.error.issues),
    })
  const before = await currentPolicy(deps)
  const at = deps.clock.now()
  try {
    const row = await deps.sql.transaction(async (tx) => {
      const stored = await queries.insertPolicyVersion(tx, parsed.data, principal.keyId)
      await insertAudit(
        tx,
        {
          actor: principal,
          action: 'policy_update',
          entityType: 'escalation_policy',
          entityId: stored.id,
          before: { version: before.version },
          after: { version: stored.version, policy: parsed.data },
        },
        at,
      )
      return stored
    })
    return toStoredPolicy(row)
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError('conflict', 'Another change to the escalation policy was stored at the same time; read it and try again.', {
        cause: error,
      })
    throw error
  }
}

function toStoredPolicy(row: queries.PolicyRow): StoredPolicy {
  return { version: row.version, policy: EscalationPolicySchema.parse(row.policy), createdAt: row.created_at.toISOString() }
}

/** The shipped default with the weights, due hours and threshold the ESCALATION_* settings name. */
export function seededPolicy(settings: Config['triage']): EscalationPolicy {
  const due = settings.escalationDueHours
  return {
    threshold: settings.escalationThreshold,
    reasons: defaultPolicy.reasons.map((reason) => {
      const dueHours = { ...reason.dueHours }
      if (typeof due[reason.code] === 'number') dueHours.default = due[reason.code] as number
      for (const department of ['technical', 'commercial'] as const) {
        const perDepartment = due[department]
        if (typeof perDepartment === 'object' && perDepartment[reason.code] !== undefined)
          dueHours[department] = perDepartment[reason.code]!
      }
      const weight = settings.escalationWeights[reason.code as keyof typeof settings.escalationWeights]
      return { ...reason, ...(weight !== undefined ? { weight } : {}), dueHours }
    }),
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505'
}
