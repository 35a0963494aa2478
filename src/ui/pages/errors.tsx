import type { FC } from 'hono/jsx'
import type { LabelKey } from '../i18n.js'
import { Layout, type View } from '../layout.js'

export type ErrorKind = 'not_found' | 'forbidden' | 'csrf' | 'failed'

const texts: Record<ErrorKind, [LabelKey, LabelKey]> = {
  not_found: ['error.notFound', 'error.notFoundText'],
  forbidden: ['error.forbidden', 'error.forbiddenText'],
  csrf: ['error.csrf', 'error.csrfText'],
  failed: ['error.failed', 'error.failedText'],
}

/** The problem page: what went wrong in the reader's language, the detail, and the request id for support. */
export const ErrorPage: FC<{ view: View; kind: ErrorKind; detail?: string | undefined }> = ({ view, kind, detail }) => {
  const [title, text] = texts[kind]
  return (
    <Layout view={view} title={view.t(title)}>
      <div class="card">
        <p>{view.t(text)}</p>
        {detail ? <p class="muted">{detail}</p> : null}
        <p class="muted">{view.t('error.requestId', { id: view.requestId })}</p>
        <p>
          <a href="/ui">{view.t('error.home')}</a>
        </p>
      </div>
    </Layout>
  )
}
