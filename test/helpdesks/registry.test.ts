// The registry is the one place a helpdesk is added; an integration type the API accepts without an
// adapter would fail only when its first webhook arrives, so this checks the two lists against each other.
import { describe, expect, it } from 'vitest'
import { helpdeskAdapters } from '../../src/helpdesks/index.js'
import { IntegrationCreateSchema } from '../../src/integrations/integrations.js'

const integrationTypes: readonly string[] = IntegrationCreateSchema.shape.type.options

describe('helpdesk adapter registry', () => {
  it('registers exactly one adapter for every integration type the API accepts, and none for others', () => {
    expect(Object.keys(helpdeskAdapters).sort()).toEqual([...integrationTypes].sort())
  })

  it('registers each adapter under its own type, once', () => {
    for (const [type, adapter] of Object.entries(helpdeskAdapters)) expect(adapter.type, `adapter under "${type}"`).toBe(type)
    expect(new Set(Object.values(helpdeskAdapters)).size).toBe(integrationTypes.length)
  })
})
