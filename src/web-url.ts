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
  .refine((value) => !URL.canParse(value) || (!new URL(value).username && !new URL(value).password), 'must not contain a user name or password')
