import { z } from 'zod'
import type { Principal } from '../auth/roles.js'
import type { Deps } from '../deps.js'
import { AppError, fieldErrorsFrom } from '../errors.js'
import { insertAudit } from '../storage/queries/audit.js'
import { readSetting, writeSetting } from '../storage/queries/settings.js'

const settingKey = 'staffing'
// The settings are one document, not a row with an id; audit_log.entity_id is a uuid, so this fixed one names them.
export const staffingSettingsEntityId = '5e771265-0000-4000-8000-57aff1265e75'

const DepartmentStaffingSchema = z
  .object({
    productiveShare: z
      .number()
      .gt(0, 'must be greater than 0')
      .max(1)
      .meta({ description: 'Share of paid time spent on contacts (the rest: breaks, meetings, training, absence)' }),
    async: z
      .object({
        handlingMinutes: z.number().gt(0, 'must be greater than 0').max(480).meta({ description: 'Average minutes per e-mail or ticket' }),
        firstResponseHours: z
          .number()
          .gt(0, 'must be greater than 0')
          .max(168)
          .meta({ description: 'Answered within this many hours; the work of an hour may be spread over them' }),
      })
      .strict(),
    sync: z
      .object({
        handlingSeconds: z.number().gt(0, 'must be greater than 0').max(86_400).meta({ description: 'Average seconds per call or chat' }),
        targetAnswerSeconds: z.number().min(0).max(86_400),
        targetServiceLevel: z.number().gt(0, 'must be greater than 0').lt(1, 'must be less than 1'),
      })
      .strict(),
  })
  .strict()

/** Handling times and targets per department; the lead changes them, the staffing plan reads them. */
export const StaffingSettingsSchema = z
  .object({ technical: DepartmentStaffingSchema, commercial: DepartmentStaffingSchema })
  .strict()
  .meta({ id: 'StaffingSettings' })

export type StaffingSettings = z.infer<typeof StaffingSettingsSchema>
export type DepartmentStaffing = StaffingSettings['technical']

// Starting values a lead is expected to replace with the team's own measured times.
export const defaultStaffingSettings: StaffingSettings = {
  technical: {
    productiveShare: 0.75,
    async: { handlingMinutes: 12, firstResponseHours: 4 },
    sync: { handlingSeconds: 420, targetAnswerSeconds: 20, targetServiceLevel: 0.8 },
  },
  commercial: {
    productiveShare: 0.75,
    async: { handlingMinutes: 8, firstResponseHours: 8 },
    sync: { handlingSeconds: 300, targetAnswerSeconds: 20, targetServiceLevel: 0.8 },
  },
}

export async function getStaffingSettings(deps: Pick<Deps, 'sql'>): Promise<StaffingSettings> {
  return (await readSetting<StaffingSettings>(deps.sql, settingKey)) ?? defaultStaffingSettings
}

/**
 * Replaces the whole settings document; an invalid one is 422 naming each field and the stored one stays.
 * The change and its audit entry (the settings before and after) commit together.
 */
export async function replaceStaffingSettings(
  deps: Pick<Deps, 'sql' | 'clock'>,
  principal: Principal,
  input: unknown,
): Promise<StaffingSettings> {
  const parsed = StaffingSettingsSchema.safeParse(input)
  if (!parsed.success)
    throw new AppError('validation_failed', 'The staffing settings were not changed.', { errors: fieldErrorsFrom(parsed.error.issues) })
  const at = deps.clock.now()
  await deps.sql.transaction(async (tx) => {
    const before = await getStaffingSettings({ sql: tx })
    await writeSetting(tx, settingKey, parsed.data)
    const entry = { action: 'staffing_settings', entityType: 'staffing_settings', entityId: staffingSettingsEntityId } as const
    await insertAudit(tx, { actor: principal, ...entry, before, after: parsed.data }, at)
  })
  return parsed.data
}
