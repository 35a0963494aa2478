import type { FC } from 'hono/jsx'
import type { FieldErrors } from './forms.js'
import type { View } from './layout.js'

// Form controls that show their error right under the label's control, tie it to the control with
// aria-describedby, and keep what the user typed when the form comes back with 422.

interface Common {
  name: string
  label: string
  error?: string | undefined
  hint?: string | undefined
  id?: string
}

const describedBy = (id: string, error: string | undefined, hint: string | undefined) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined

const Extras: FC<{ id: string; error?: string | undefined; hint?: string | undefined }> = ({ id, error, hint }) => (
  <>
    {hint ? (
      <p class="hint" id={`${id}-hint`}>
        {hint}
      </p>
    ) : null}
    {error ? (
      <p class="field-error" id={`${id}-error`}>
        {error}
      </p>
    ) : null}
  </>
)

export const TextField: FC<
  Common & { value?: string | undefined; type?: 'text' | 'password' | 'search'; required?: boolean; autocomplete?: string }
> = (props) => {
  const id = props.id ?? `f-${props.name}`
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        required={props.required}
        autocomplete={props.autocomplete}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(id, props.error, props.hint)}
      />
      <Extras id={id} error={props.error} hint={props.hint} />
    </div>
  )
}

export const TextArea: FC<Common & { value?: string | undefined; required?: boolean; rows?: number }> = (props) => {
  const id = props.id ?? `f-${props.name}`
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 5}
        required={props.required}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(id, props.error, props.hint)}
      >
        {props.value ?? ''}
      </textarea>
      <Extras id={id} error={props.error} hint={props.hint} />
    </div>
  )
}

export interface Option {
  value: string
  label: string
}

export const SelectField: FC<Common & { value?: string | undefined; options: Option[] }> = (props) => {
  const id = props.id ?? `f-${props.name}`
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(id, props.error, props.hint)}
      >
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === (props.value ?? '')}>
            {option.label}
          </option>
        ))}
      </select>
      <Extras id={id} error={props.error} hint={props.hint} />
    </div>
  )
}

export const RadioGroup: FC<Common & { value?: string | undefined; options: Option[]; inline?: boolean }> = (props) => {
  const id = props.id ?? `f-${props.name}`
  return (
    <fieldset class={props.error ? 'field invalid' : 'field'} id={id} aria-describedby={describedBy(id, props.error, props.hint)}>
      <legend>{props.label}</legend>
      <div class={props.inline ? 'choices inline' : 'choices'}>
        {props.options.map((option) => (
          <label>
            <input type="radio" name={props.name} value={option.value} checked={option.value === props.value} />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
      <Extras id={id} error={props.error} hint={props.hint} />
    </fieldset>
  )
}

export const Checkbox: FC<{ name: string; label: string; checked: boolean; error?: string | undefined }> = (props) => (
  <div class={props.error ? 'field invalid' : 'field'}>
    <label class="check">
      <input type="checkbox" name={props.name} value="on" checked={props.checked} />
      <span>{props.label}</span>
    </label>
    {props.error ? (
      <p class="field-error" id={`f-${props.name}-error`}>
        {props.error}
      </p>
    ) : null}
  </div>
)

/** The summary at the top of a form that came back with errors; each entry links to its field. */
export const ErrorSummary: FC<{ view: View; errors: FieldErrors | undefined; labels: Record<string, string> }> = ({
  view,
  errors,
  labels,
}) => {
  const entries = Object.entries(errors ?? {})
  if (entries.length === 0) return null
  return (
    <div class="notice bad" role="alert">
      <strong>{view.t('form.errors')}</strong>
      <ul>
        {entries.map(([field, message]) => (
          <li>
            <a href={`#f-${field}`}>{labels[field] ?? field}</a>: {message}
          </li>
        ))}
      </ul>
    </div>
  )
}

/** The department filter of the list pages: any, technical or commercial. */
export const DepartmentFilter: FC<{ view: View; value: string | undefined }> = ({ view: { t }, value }) => (
  <div class="field">
    <label for="f-department">{t('filter.department')}</label>
    <select id="f-department" name="department">
      <option value="">{t('filter.any')}</option>
      {(['technical', 'commercial'] as const).map((department) => (
        <option value={department} selected={value === department}>
          {t(`dept.${department}`)}
        </option>
      ))}
    </select>
  </div>
)
