import type { Principal } from '../auth/roles.js'

/** The typed variables every handler can read from the Hono context. */
export interface AppEnv {
  Variables: {
    requestId: string
    principal: Principal
    /** Whether cookies set in this request are `Secure` (COOKIE_SECURE, transport-security middleware). */
    secureCookies: boolean
  }
}
