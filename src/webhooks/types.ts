/** The helpdesks (and the generic Standard Webhooks sender) whose ticket webhooks we accept. */
export const webhookTypes = ['generic', 'zammad', 'zendesk', 'freshdesk'] as const

export type WebhookType = (typeof webhookTypes)[number]

/** The tag our write-back adds to a triaged ticket; the loop check and the helpdesk triggers look for it. */
export const writeBackTag = 'ai_triaged'

/** Opens every note our write-back posts, so a webhook carrying that note can be told apart from a human's. */
export const writeBackMarker = '[ai-triage]'
