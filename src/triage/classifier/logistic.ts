import type { SparseVector } from './features.js'
import { seededRandom, shuffleInPlace } from './random.js'
import { runToEnd, type Steps } from './steps.js'
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
export function trainLogistic(vectors: readonly SparseVector[], labels: ArrayLike<number>, options: LogisticOptions): LogisticModel {
  return runToEnd(trainLogisticSteps(vectors, labels, options))
}

// About a millisecond of work on a few thousand-feature vectors between two chances to pause.
const stepsPerYield = 64

/** trainLogistic as steps that pause every few dozen updates; the same model for the same inputs. */
export function* trainLogisticSteps(
  vectors: readonly SparseVector[],
  labels: ArrayLike<number>,
  options: LogisticOptions,
): Steps<LogisticModel> {
  const { epochs, learningRate, l2, balanced, seed } = { ...defaults, ...options }
  const weights = new Float64Array(options.dimensions)
  // The squared-gradient sums start at a small positive value so the first step does not divide by zero.
  const squared = new Float64Array(options.dimensions).fill(1e-6)
  const classWeight = balanced ? balancedWeights(labels) : [1, 1]
  const bias = { value: 0, squared: 1e-6 }
  const order = Array.from({ length: vectors.length }, (_, index) => index)
  const random = seededRandom(seed)
  let steps = 0
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const index of shuffleInPlace(order, random)) {
      const label = labels[index]!
      const vector = vectors[index]!
      const error = (sigmoid(dot(weights, vector) + bias.value) - label) * classWeight[label]!
      step(weights, squared, vector, error, learningRate, l2)
      bias.squared += error * error
      bias.value -= (learningRate * error) / Math.sqrt(bias.squared)
      if (++steps % stepsPerYield === 0) yield
    }
  }
  return { weights: Float32Array.from(weights), bias: bias.value }
}

/** The model's log-odds of the positive class for one vector. */
export function predictLogit(model: LogisticModel, vector: SparseVector): number {
  return dot(model.weights, vector) + model.bias
}

function step(weights: Float64Array, squared: Float64Array, vector: SparseVector, error: number, learningRate: number, l2: number): void {
  const { indices, values } = vector
  for (let position = 0; position < indices.length; position++) {
    const bucket = indices[position]!
    const gradient = error * values[position]! + l2 * weights[bucket]!
    squared[bucket]! += gradient * gradient
    weights[bucket]! -= (learningRate * gradient) / Math.sqrt(squared[bucket]!)
  }
}

function dot(weights: Float32Array | Float64Array, vector: SparseVector): number {
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
