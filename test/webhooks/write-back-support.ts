// Triage results and targets for the write-back tests.
import type { TriageResult } from '../../src/triage/triage-result.js'
import type { WriteBackRequest, WriteBackTarget } from '../../src/webhooks/write-back/types.js'
import { loopbackOutboundEnv, type FakeHelpdesk, type HelpdeskType } from '../helpers/fake-helpdesk.js'
import { parseConfig } from '../../src/config.js'
import { createNodeOutboundGuard } from '../../src/platform/node/node-outbound.js'

/** The guard a test app gets: the fake helpdesk on 127.0.0.1 over http is allowed, nothing else private. */
export const loopbackOutbound = createNodeOutboundGuard(parseConfig(loopbackOutboundEnv).outbound)

export const secret = `whsec_${Buffer.from('write-back test key, 32 bytes!!').toString('base64')}`

export function triageResult(overrides: Partial<TriageResult> = {}): TriageResult {
  return {
    inquiryId: '00000000-0000-4000-8000-000000000001',
    externalId: 'zendesk:7',
    language: 'de',
    languageSource: 'detected',
    department: 'technical',
    confidence: 0.874,
    probabilities: { technical: 0.874, commercial: 0.126 },
    suggestions: [
      {
        articleId: 'a1b2c3',
        externalId: 'kb-router-reset',
        title: 'Router zurücksetzen',
        url: 'https://help.example.com/router-reset',
        score: 0.82,
        similarity: 0.71,
        snippet: 'Halten Sie die Reset-Taste 10 Sekunden gedrückt.',
        reply: 'Guten Tag Frau Muster,\nbitte halten Sie die Reset-Taste 10 Sekunden gedrückt.\nMit freundlichen Grüßen',
        source: 'template',
      },
    ],
    noKnowledge: false,
    escalation: {
      escalate: true,
      score: 0.9,
      reasons: [{ code: 'legal_threat', detail: 'mentions "Anwalt" <lawyer>' }],
      scores: { legal_threat: 0.9 },
      policyVersion: 1,
      id: 'esc-1',
      dueAt: '2024-05-14T13:30:12.000Z',
    },
    timings: { embedMs: 1, classifyMs: 1, retrieveMs: 1, totalMs: 3 },
    versions: { embeddingSpace: 'hashing-64', classifier: 'test@1', prompts: ['reply-template@1'] },
    createdAt: '2024-05-14T09:30:12.000Z',
    ...overrides,
  }
}

let inquiries = 0

/** A request for a fresh inquiry and ticket, so tests never share state through ids. */
export function writeBackRequest(ticketId: string, overrides: Partial<TriageResult> = {}): WriteBackRequest {
  const inquiryId = `00000000-0000-4000-8000-${String(++inquiries).padStart(12, '0')}`
  return { inquiryId, ticket: { id: ticketId }, result: triageResult({ inquiryId, ...overrides }) }
}

export function helpdeskTarget(helpdesk: FakeHelpdesk, type: HelpdeskType, overrides: Partial<WriteBackTarget> = {}): WriteBackTarget {
  return { type, secret, apiBaseUrl: helpdesk.apiBaseUrl(type), apiToken: helpdesk.tokens[type], ...overrides }
}
