import { departmentOpinionPrompt } from './department-opinion.js'
import { draftReplyPrompt } from './draft-reply.js'
import { escalationOpinionPrompt } from './escalation-opinion.js'
import { replyTemplate } from './reply-template.js'

export { departmentOpinionPrompt } from './department-opinion.js'
export { draftReplyPrompt } from './draft-reply.js'
export { escalationOpinionPrompt } from './escalation-opinion.js'
export { promptRef, type PromptModule } from './prompt.js'

/** Every versioned prompt and template, as stored with each result (`id@version`) and listed by evals. */
export const promptVersions: ReadonlyArray<{ id: string; version: number }> = [
  draftReplyPrompt,
  departmentOpinionPrompt,
  escalationOpinionPrompt,
  replyTemplate,
].map(({ id, version }) => ({ id, version }))
