import { sigmoid } from './types.js'

/**
 * A logistic regression over a handful of dense scores (the linear and kNN signals), fitted by Newton's
 * method. Fitted on out-of-fold scores it both weighs the signals and calibrates them: with one input
 * it is exactly Platt scaling. Platt's soft targets, (n₊+1)/(n₊+2) and 1/(n₋+2), keep it from
 * promising certainty when the scores happen to separate a small training set perfectly.
 */

/** logit = bias + Σ weights[i] · scores[i]. */
export interface Stacker {
  readonly weights: readonly number[]
  readonly bias: number
}

export interface StackerOptions {
  /** L2 penalty on the weights (not the bias); keeps them finite on separable data. */
  l2?: number
  iterations?: number
}

export function fitStacker(rows: readonly number[][], labels: ArrayLike<number>, options: StackerOptions = {}): Stacker {
  const { l2 = 1, iterations = 50 } = options
  const targets = plattTargets(labels)
  const width = (rows[0]?.length ?? 0) + 1
  let theta = new Array<number>(width).fill(0)
  let loss = logLoss(rows, targets, theta, l2)
  for (let iteration = 0; iteration < iterations; iteration++) {
    const { gradient, hessian } = derivatives(rows, targets, theta, l2)
    const delta = solve(hessian, gradient)
    // Backtracking keeps Newton from overshooting when the data are nearly separable.
    let scale = 1
    let next = theta.map((value, index) => value - delta[index]!)
    let nextLoss = logLoss(rows, targets, next, l2)
    while (nextLoss > loss && scale > 1e-6) {
      scale /= 2
      next = theta.map((value, index) => value - scale * delta[index]!)
      nextLoss = logLoss(rows, targets, next, l2)
    }
    const converged = loss - nextLoss < 1e-12
    theta = next
    loss = Math.min(loss, nextLoss)
    if (converged) break
  }
  return { weights: theta.slice(1), bias: theta[0]! }
}

export function stackLogit(stacker: Stacker, scores: readonly number[]): number {
  return stacker.weights.reduce((sum, weight, index) => sum + weight * scores[index]!, stacker.bias)
}

function plattTargets(labels: ArrayLike<number>): number[] {
  const values = Array.from(labels)
  const positives = values.filter((label) => label === 1).length
  const negatives = values.length - positives
  return values.map((label) => (label === 1 ? (positives + 1) / (positives + 2) : 1 / (negatives + 2)))
}

// theta[0] is the bias, theta[i + 1] the weight of scores[i].
function logitOf(row: readonly number[], theta: readonly number[]): number {
  return row.reduce((sum, value, index) => sum + value * theta[index + 1]!, theta[0]!)
}

function logLoss(rows: readonly number[][], targets: number[], theta: number[], l2: number): number {
  let loss = 0
  rows.forEach((row, index) => {
    const logit = logitOf(row, theta)
    // log(1 + e^z) computed without overflow.
    const softplus = Math.max(logit, 0) + Math.log1p(Math.exp(-Math.abs(logit)))
    loss += softplus - targets[index]! * logit
  })
  return loss + (l2 / 2) * theta.slice(1).reduce((sum, value) => sum + value * value, 0)
}

function derivatives(rows: readonly number[][], targets: number[], theta: number[], l2: number) {
  const width = theta.length
  const gradient = theta.map((value, index) => (index === 0 ? 0 : l2 * value))
  const hessian = Array.from({ length: width }, (_, row) =>
    Array.from({ length: width }, (_, column) => (row === column && row > 0 ? l2 : 0)),
  )
  rows.forEach((row, index) => {
    const probability = sigmoid(logitOf(row, theta))
    const curvature = Math.max(probability * (1 - probability), 1e-12)
    const input = [1, ...row]
    for (let i = 0; i < width; i++) {
      gradient[i]! += (probability - targets[index]!) * input[i]!
      for (let j = 0; j < width; j++) hessian[i]![j]! += curvature * input[i]! * input[j]!
    }
  })
  return { gradient, hessian }
}

/** Gaussian elimination with partial pivoting; the systems here are 2x2 to 4x4. */
function solve(matrix: number[][], vector: number[]): number[] {
  const size = vector.length
  const a = matrix.map((row, index) => [...row, vector[index]!])
  for (let column = 0; column < size; column++) {
    let pivot = column
    for (let row = column + 1; row < size; row++) if (Math.abs(a[row]![column]!) > Math.abs(a[pivot]![column]!)) pivot = row
    ;[a[column], a[pivot]] = [a[pivot]!, a[column]!]
    const diagonal = a[column]![column]! || 1e-12
    for (let row = column + 1; row < size; row++) {
      const factor = a[row]![column]! / diagonal
      for (let k = column; k <= size; k++) a[row]![k]! -= factor * a[column]![k]!
    }
  }
  const result = new Array<number>(size).fill(0)
  for (let row = size - 1; row >= 0; row--) {
    let sum = a[row]![size]!
    for (let k = row + 1; k < size; k++) sum -= a[row]![k]! * result[k]!
    result[row] = sum / (a[row]![row]! || 1e-12)
  }
  return result
}
