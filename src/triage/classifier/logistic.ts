import type { SparseVector } from './features.js'
import { seededRandom, shuffleInPlace } from './random.js'
import { sigmoid } from './types.js'

/**
 * Binary logistic regression on sparse vectors, trained with AdaGrad. AdaGrad gives rare features
 * (a product name seen twice) larger steps than frequent ones, which suits hashed n-grams, and needs no
 * learning-rate schedule. A few epochs over L2-normalised vectors converge well enough for ranking; the
 * stacker above calibrates the scores, so the last digits of the optimum do not matter.
 */

/** How to train; every field has a default that cross-validation on the dev tickets chose. */
export interface LogisticOptions {
  /** Dimension of the weight vector (the featurizer's bucket count). */
  dimensions: number
  epochs?: number
  learningRate?: number
  /** L2 penalty, applied to the weights a step touches (lazy, so a step stays sparse). */
  l2?: number
  /** Weight classes inversely to their frequency, so the minority class is not ignored. */
  balanced?: boolean
  seed?: number
}

/** A trained linear model: logit = weights · x + bias. */
export interface LogisticModel {
  readonly weights: Float32Array
  readonly bias: number
}

const defaults = { epochs: 3, learningRate: 0.1, l2: 3e-3, balanced: true, seed: 1 }

/** Trains on vectors with labels 1 (positive) and 0; deterministic for the same inputs and seed. */
export function trainLogistic(
  vectors: readonly SparseVector[],
  labels: ArrayLike<number>,
  options: LogisticOptions,
): LogisticModel {
  const { epochs, learningRate, l2, balanced, seed } = { ...defaults, ...options }
  // Weight i at 2i, its running sum of squared gradients at 2i + 1: one cache line per update, which
  // roughly halves training time over two separate arrays. The sums start at a small positive value
  // so the first step does not divide by zero.
  const state = new Float64Array(2 * options.dimensions)
  for (let index = 1; index < state.length; index += 2) state[index] = 1e-6
  const classWeight = balanced ? balancedWeights(labels) : [1, 1]
  const bias = { value: 0, squared: 1e-6 }
  const order = Array.from({ length: vectors.length }, (_, index) => index)
  const random = seededRandom(seed)
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const index of shuffleInPlace(order, random)) {
      const label = labels[index]!
      const vector = vectors[index]!
      const error = (sigmoid(interleavedDot(state, vector) + bias.value) - label) * classWeight[label]!
      step(state, vector, error, learningRate, l2)
      bias.squared += error * error
      bias.value -= (learningRate * error) / Math.sqrt(bias.squared)
    }
  }
  const weights = new Float32Array(options.dimensions)
  for (let index = 0; index < weights.length; index++) weights[index] = state[2 * index]!
  return { weights, bias: bias.value }
}

/** The model's log-odds of the positive class for one vector. */
export function predictLogit(model: LogisticModel, vector: SparseVector): number {
  return dot(model.weights, vector) + model.bias
}

function step(state: Float64Array, vector: SparseVector, error: number, learningRate: number, l2: number): void {
  const { indices, values } = vector
  for (let position = 0; position < indices.length; position++) {
    const slot = 2 * indices[position]!
    const gradient = error * values[position]! + l2 * state[slot]!
    state[slot + 1]! += gradient * gradient
    state[slot]! -= (learningRate * gradient) / Math.sqrt(state[slot + 1]!)
  }
}

function interleavedDot(state: Float64Array, vector: SparseVector): number {
  let sum = 0
  for (let position = 0; position < vector.indices.length; position++) {
    sum += state[2 * vector.indices[position]!]! * vector.values[position]!
  }
  return sum
}

function dot(weights: Float32Array, vector: SparseVector): number {
  let sum = 0
  for (let position = 0; position < vector.indices.length; position++) {
    sum += weights[vector.indices[position]!]! * vector.values[position]!
  }
  return sum
}

/** n / (2 · n_class) per class, so both classes carry equal total weight; [commercial, technical]. */
function balancedWeights(labels: ArrayLike<number>): [number, number] {
  let positives = 0
  for (let index = 0; index < labels.length; index++) positives += labels[index]!
  const negatives = labels.length - positives
  if (positives === 0 || negatives === 0) return [1, 1]
  return [labels.length / (2 * negatives), labels.length / (2 * positives)]
}
