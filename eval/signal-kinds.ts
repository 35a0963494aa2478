/** The signals `npm run eval -- --signal` knows, and the field of a signals-* row each is labelled by. */
export interface SignalRow {
  text: string
  offensive?: boolean | undefined
  complaint?: boolean | undefined
  sentiment?: 'negative' | 'neutral' | 'positive' | undefined
}

export const signalKinds = {
  anger: { field: 'offensive', positive: (row: SignalRow) => row.offensive === true },
  complaint: { field: 'complaint', positive: (row: SignalRow) => row.complaint === true },
  negative: { field: 'sentiment', positive: (row: SignalRow) => row.sentiment === 'negative' },
} as const

export type SignalKind = keyof typeof signalKinds
