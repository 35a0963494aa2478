import type { z } from 'zod'

/**
 * A versioned LLM prompt. Changing `system`, `render` or `schema` in a way that can change answers
 * means a new `version`: results store `id@version`, so old and new answers can be told apart in evals.
 */
export interface PromptModule<Input, Output> {
  id: string
  version: number
  system: string
  /** The user message; every piece of customer or knowledge-base text in it is fenced as data. */
  render(input: Input): string
  schema: z.ZodType<Output>
  /** Name of the JSON schema sent as the structured-output format. */
  schemaName: string
}

/** How a result records the prompt that produced it, e.g. 'draft-reply@1'. */
export function promptRef(prompt: { id: string; version: number }): string {
  return `${prompt.id}@${prompt.version}`
}

/** "German" for 'de', for prompts that name the reply language; the code itself when unknown. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code
  } catch {
    return code // not a well-formed language tag
  }
}
