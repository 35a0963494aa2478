import type { ReliabilityBin } from '../src/triage/classifier/metrics.js'
import type { DepartmentScores } from './scorers.js'

/** Hand-written SVG charts for the report: no plotting library, readable in any browser or on GitHub. */

const round = (value: number) => Math.round(value * 10) / 10
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const text = (x: number, y: number, content: string, attributes = '') => `<text x="${x}" y="${y}" ${attributes}>${escape(content)}</text>`
const frame = (width: number, height: number, body: string[]) =>
  [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n')

/** Rows = actual department, columns = predicted; cells shaded by their share of the row. */
export function confusionMatrixSvg(confusion: DepartmentScores['confusion'], title: string): string {
  const labels = Object.keys(confusion) as Array<keyof typeof confusion>
  const cell = 110
  const left = 130
  const top = 70
  const body = [
    text(left + cell, 24, title, 'text-anchor="middle" font-weight="bold" font-size="15"'),
    text(left + cell, 50, 'predicted', 'text-anchor="middle"'),
  ]
  body.push(text(20, top + cell, 'actual', `transform="rotate(-90 20 ${top + cell})" text-anchor="middle"`))
  labels.forEach((predicted, column) => body.push(text(left + column * cell + cell / 2, top - 6, predicted, 'text-anchor="middle"')))
  labels.forEach((actual, row) => {
    const total = labels.reduce((sum, predicted) => sum + confusion[actual][predicted], 0) || 1
    body.push(text(left - 8, top + row * cell + cell / 2 + 4, actual, 'text-anchor="end"'))
    labels.forEach((predicted, column) => {
      const count = confusion[actual][predicted]
      const share = count / total
      const x = left + column * cell
      const y = top + row * cell
      const fill = actual === predicted ? `rgba(34,139,34,${0.15 + 0.75 * share})` : `rgba(200,40,40,${0.1 + 0.8 * share})`
      body.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#333"/>`)
      body.push(text(x + cell / 2, y + cell / 2, String(count), 'text-anchor="middle" font-size="22" font-weight="bold"'))
      body.push(text(x + cell / 2, y + cell / 2 + 22, `${(share * 100).toFixed(1)} %`, 'text-anchor="middle" fill="#333"'))
    })
  })
  return frame(left + labels.length * cell + 30, top + labels.length * cell + 30, body)
}

/**
 * Reliability diagram: per confidence bin, the share of correct predictions (bar) against the mean
 * confidence (dot); a calibrated model's bars end on the diagonal. The count of each bin is printed.
 */
export function reliabilitySvg(bins: readonly ReliabilityBin[], title: string): string {
  const size = 360
  const left = 60
  const top = 50
  const x = (value: number) => round(left + value * size)
  const y = (value: number) => round(top + (1 - value) * size)
  const body = [text(left + size / 2, 24, title, 'text-anchor="middle" font-weight="bold" font-size="15"')]
  body.push(`<rect x="${left}" y="${top}" width="${size}" height="${size}" fill="none" stroke="#333"/>`)
  for (const tick of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    body.push(
      `<line x1="${x(tick)}" y1="${y(0)}" x2="${x(tick)}" y2="${y(0) + 5}" stroke="#333"/>`,
      text(x(tick), y(0) + 20, tick.toFixed(1), 'text-anchor="middle"'),
    )
    body.push(
      `<line x1="${left - 5}" y1="${y(tick)}" x2="${left}" y2="${y(tick)}" stroke="#333"/>`,
      text(left - 8, y(tick) + 4, tick.toFixed(1), 'text-anchor="end"'),
    )
  }
  body.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="5,4"/>`)
  for (const bin of bins) {
    if (bin.count === 0) continue
    const width = round((bin.upper - bin.lower) * size)
    body.push(
      `<rect x="${x(bin.lower) + 2}" y="${y(bin.accuracy)}" width="${width - 4}" height="${y(0) - y(bin.accuracy)}" fill="rgba(50,100,200,0.55)" stroke="#235"/>`,
    )
    body.push(`<circle cx="${x(bin.meanConfidence)}" cy="${y(bin.meanConfidence)}" r="4" fill="#c33"/>`)
    body.push(
      text(x(bin.lower) + width / 2, Math.min(y(bin.accuracy) - 6, y(0) - 6), `n=${bin.count}`, 'text-anchor="middle" font-size="11"'),
    )
  }
  body.push(text(left + size / 2, y(0) + 42, 'confidence (bar: share correct, dot: mean confidence)', 'text-anchor="middle"'))
  body.push(text(18, top + size / 2, 'accuracy', `transform="rotate(-90 18 ${top + size / 2})" text-anchor="middle"`))
  return frame(left + size + 30, top + size + 60, body)
}
