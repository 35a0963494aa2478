// In-memory tickets of the fake helpdesk, shared by its Zammad, Zendesk and Freshdesk routes.

export type HelpdeskType = 'zammad' | 'zendesk' | 'freshdesk'

/** A note, article or comment on a fake ticket; `body` is exactly what the client sent. */
export interface FakeNote {
  id: number
  body: string
  internal: boolean
  contentType: 'text/html' | 'text/plain'
  createdAt: string
}

export interface FakeTicket {
  id: string
  tags: string[]
  /** The group as the client set it: a Zammad group name, or a group id as text. */
  group: string | undefined
  notes: FakeNote[]
  /** ISO time of the last change; Zendesk's safe_update compares it with `updated_stamp`. */
  updatedAt: string
}

export interface TicketSeed {
  tags?: string[]
  group?: string
  /** Earlier notes: a body (internal HTML) or a full note. */
  notes?: Array<string | Partial<Omit<FakeNote, 'id'>>>
}

const clockStart = Date.parse('2024-05-14T09:00:00Z')

/** Tickets by helpdesk and id, auto-created on first access unless removed; a monotonic clock for updated_at. */
export class TicketStore {
  private tickets = new Map<string, FakeTicket>()
  private removed = new Set<string>()
  private tick = 0
  private noteIds = 0

  /** The next timestamp, one second after the previous: every change gets a distinct updated_at. */
  nextTime(): string {
    return new Date(clockStart + ++this.tick * 1000).toISOString()
  }

  /** The ticket, created empty when first seen; undefined when the test removed it (the API answers 404). */
  access(type: HelpdeskType, id: string): FakeTicket | undefined {
    const key = `${type}:${id}`
    if (this.removed.has(key)) return undefined
    let ticket = this.tickets.get(key)
    if (!ticket) {
      ticket = { id, tags: [], group: undefined, notes: [], updatedAt: this.nextTime() }
      this.tickets.set(key, ticket)
    }
    return ticket
  }

  peek(type: HelpdeskType, id: string): FakeTicket | undefined {
    return this.tickets.get(`${type}:${id}`)
  }

  seed(type: HelpdeskType, id: string, seed: TicketSeed = {}): FakeTicket {
    this.removed.delete(`${type}:${id}`)
    const ticket = this.access(type, id)!
    ticket.tags = [...(seed.tags ?? [])]
    ticket.group = seed.group
    ticket.notes = []
    for (const note of seed.notes ?? []) this.addNote(ticket, typeof note === 'string' ? { body: note } : note)
    return ticket
  }

  remove(type: HelpdeskType, id: string): void {
    this.tickets.delete(`${type}:${id}`)
    this.removed.add(`${type}:${id}`)
  }

  addNote(ticket: FakeTicket, note: Partial<Omit<FakeNote, 'id'>>): FakeNote {
    const created: FakeNote = {
      id: ++this.noteIds,
      body: note.body ?? '',
      internal: note.internal ?? true,
      contentType: note.contentType ?? 'text/html',
      createdAt: note.createdAt ?? this.nextTime(),
    }
    ticket.notes.push(created)
    this.touch(ticket)
    return created
  }

  touch(ticket: FakeTicket): void {
    ticket.updatedAt = this.nextTime()
  }

  clear(): void {
    this.tickets.clear()
    this.removed.clear()
  }
}

/** Text of an HTML note, as helpdesks return a note's plain form. */
export function plainText(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/p>|<\/li>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim()
}
