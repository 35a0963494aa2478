/** The two departments the classifier decides between; `technical` is the positive class of every logit. */
export type Department = 'technical' | 'commercial'

export const departments = ['technical', 'commercial'] as const satisfies readonly Department[]

/** One labelled inquiry the classifier learns from; `embedding` is a unit vector of the active embedder. */
export interface LabelledExample {
  text: string
  department: Department
  language: string
  embedding: Float32Array
}

/** A labelled example close to an inquiry, as the vector index returns it (similarity = cosine). */
export interface Neighbour {
  department: Department
  similarity: number
}

/** 1 for technical, 0 for commercial: the label encoding of every binary model here. */
export function labelOf(department: Department): 0 | 1 {
  return department === 'technical' ? 1 : 0
}

export function sigmoid(logit: number): number {
  return logit >= 0 ? 1 / (1 + Math.exp(-logit)) : Math.exp(logit) / (1 + Math.exp(logit))
}
