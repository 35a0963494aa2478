import { z } from 'zod'

/**
 * An http or https URL without a user name or password in it. Such URLs are shown to agents as links,
 * written into helpdesk notes, or called by the service: javascript: or file: URLs must not get in, and
 * credentials belong in the fields that are never returned (apiToken), not in a URL that is.
 */
export const webUrl = z
  .string()
  .max(2000)
  .url()
  .refine((value) => /^https?:\/\//i.test(value), 'must be an http:// or https:// URL')
  // An @ before the first / ? or # is a user name (and password) in the authority.
  .refine((value) => !/^https?:\/\/[^/?#]*@/i.test(value), 'must not contain a user name or password')
