import type { FC } from 'hono/jsx'
import type { StoredPolicy } from '../../triage/escalation/policy.js'
import { localNumber } from '../format.js'
import { Layout, Time, type View } from '../layout.js'

/** The escalation policy in force, as leads read it: each reason with its weight, due time and definition. */
export const PolicyPage: FC<{ view: View; stored: StoredPolicy }> = ({ view, stored }) => {
  const { t, lang } = view
  const { policy } = stored
  const localHours = (value: number) => localNumber(view.format, String(value))
  const hours = (value: number) => t('policy.hours', { hours: localHours(value) })
  return (
    <Layout view={view} title={t('policy.title')} section="policy">
      <h1>{t('policy.title')}</h1>
      <p class="muted">
        {t('policy.version', { version: stored.version })} <Time view={view} at={stored.createdAt} />
      </p>
      <p>{t('policy.intro', { threshold: view.format.number(policy.threshold) })}</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('policy.reason')}</th>
              <th scope="col">{t('policy.source')}</th>
              <th scope="col">{t('policy.weight')}</th>
              <th scope="col">{t('policy.alone')}</th>
              <th scope="col">{t('policy.due')}</th>
              <th scope="col">{t('policy.description')}</th>
            </tr>
          </thead>
          <tbody>
            {policy.reasons.map((reason) => (
              <tr id={`reason-${reason.code}`}>
                <th scope="row">
                  {reason.names[lang]}
                  <br />
                  <code class="muted">{reason.code}</code>
                </th>
                <td>{t(`source.${reason.source}`)}</td>
                <td>{reason.weight === 0 && !reason.alone ? t('policy.off') : view.format.number(reason.weight)}</td>
                <td>{reason.alone && reason.weight > 0 ? t('policy.yes') : t('policy.no')}</td>
                <td>
                  {hours(reason.dueHours.default)}
                  {(['technical', 'commercial'] as const).map((department) =>
                    reason.dueHours[department] !== undefined ? (
                      <>
                        <br />
                        {t('policy.perDepartment', { dept: t(`dept.${department}`), hours: localHours(reason.dueHours[department]!) })}
                      </>
                    ) : null,
                  )}
                </td>
                <td>
                  {reason.descriptions[lang]}
                  {reason.examples?.length ? <p class="hint">{t('policy.examples', { n: reason.examples.length })}</p> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  )
}
