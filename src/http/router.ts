import { OpenAPIHono, type Hook } from '@hono/zod-openapi'
import { AppError, fieldErrorsFrom } from '../errors.js'
import type { AppEnv } from './env.js'

/** Failed zod validation of any request part becomes a 422 that names every bad field. */
const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) {
    throw new AppError('validation_failed', 'The request has missing or invalid fields.', {
      errors: fieldErrorsFrom(result.error.issues),
    })
  }
}

/** A router whose routes are documented in OpenAPI and validated with the shared hook. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
}
