import { type CsvValue, toCsv } from '../reports/csv.js'
import type { StaffingPlan } from './plan.js'

/** The file name a download of the plan is offered under. */
export const staffingPlanCsvFileName = (plan: Pick<StaffingPlan, 'weekStarting'>) => `staffing-plan-${plan.weekStarting}.csv`

/**
 * The plan as one row per department and hour of the week (ISO weekday 1–7, local hour 0–23), so a
 * workforce tool or spreadsheet can take it over; expected arrivals split into worked-off (e-mail,
 * ticket) and answered-while-waiting (phone, chat), as the plan counts them.
 */
export function staffingPlanCsv(plan: StaffingPlan): string {
  const rows: CsvValue[][] = plan.departments.flatMap((department) =>
    department.hours.map((hour) => [department.department, hour.weekday, hour.hour, hour.arrivals.async, hour.arrivals.sync, hour.agents]),
  )
  return toCsv(['department', 'weekday', 'hour', 'expected_async', 'expected_sync', 'agents'], rows)
}
