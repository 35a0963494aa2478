import type { Child, FC } from 'hono/jsx'

// Charts as inline SVG drawn on the server: no script, nothing from another origin (the CSP allows
// neither). Nothing depends on colour alone: every bar carries its value as text, the axes are labelled,
// each mark has a <title>, and the same numbers follow as a table in a <details> for screen readers and
// for anyone who wants to copy them.

/** One bar or column: its label, its value, and the value as the reader's language writes it. */
export interface ChartItem {
  label: string
  value: number
  text: string
}

/** A bar chart (one horizontal bar per item, the label before, the value after) and its table. */
export const BarChart: FC<{
  id: string
  title: string
  items: ChartItem[]
  labelHeading: string
  valueHeading: string
  tableLabel: string
}> = (props) => {
  const { id, title, items } = props
  const row = 28
  const [width, labelWidth, valueWidth] = [720, 260, 70]
  const plot = width - labelWidth - valueWidth
  const max = Math.max(1, ...items.map((item) => item.value))
  const height = items.length * row + 8
  return (
    <figure class="chart">
      <svg class="chart bars" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t`}>
        <title id={`${id}-t`}>{title}</title>
        {items.map((item, index) => {
          const y = 4 + index * row
          const length = (item.value / max) * plot
          return (
            <g>
              <title>{`${item.label}: ${item.text}`}</title>
              <text x={labelWidth - 8} y={y + row / 2 + 5} text-anchor="end" class="label">
                {clip(item.label, 34)}
              </text>
              <rect x={labelWidth} y={y + 4} width={Math.max(length, item.value > 0 ? 2 : 0)} height={row - 8} class="mark" />
              <text x={labelWidth + length + 6} y={y + row / 2 + 5} class="value">
                {item.text}
              </text>
            </g>
          )
        })}
        <line x1={labelWidth} x2={labelWidth} y1={0} y2={height} class="axis" />
      </svg>
      <ChartTable {...props} />
    </figure>
  )
}

/**
 * A column chart for a series (periods, hours): value text above each column while they fit, a y axis
 * from 0 to a round maximum, every k-th label on the x axis so labels never overlap.
 */
export const ColumnChart: FC<{
  id: string
  title: string
  items: ChartItem[]
  xLabel: string
  yLabel: string
  labelHeading: string
  valueHeading: string
  tableLabel: string
  /** A table of more than the chart shows, instead of the label-and-value one. */
  table?: Child
}> = (props) => {
  const { id, title, items, xLabel, yLabel } = props
  const [width, height, left, right, top, bottom] = [720, 260, 56, 8, 22, 56]
  const plotWidth = width - left - right
  const plotHeight = height - top - bottom
  const max = roundMaximum(Math.max(0, ...items.map((item) => item.value)))
  const slot = plotWidth / Math.max(1, items.length)
  const every = Math.ceil(items.length / 12)
  const showValues = items.length <= 31
  const yOf = (value: number) => top + plotHeight - (value / max) * plotHeight
  return (
    <figure class="chart">
      <svg class="chart columns" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t`}>
        <title id={`${id}-t`}>{title}</title>
        {[0, max / 2, max].filter(Number.isInteger).map((tick) => (
          <g>
            <line x1={left} x2={width - right} y1={yOf(tick)} y2={yOf(tick)} class="grid" />
            <text x={left - 6} y={yOf(tick) + 4} text-anchor="end" class="tick">
              {String(tick)}
            </text>
          </g>
        ))}
        {items.map((item, index) => {
          const x = left + index * slot
          const barWidth = Math.max(1, slot * 0.7)
          return (
            <g>
              <title>{`${item.label}: ${item.text}`}</title>
              <rect
                x={x + (slot - barWidth) / 2}
                y={yOf(item.value)}
                width={barWidth}
                height={top + plotHeight - yOf(item.value)}
                class="mark"
              />
              {showValues ? (
                <text x={x + slot / 2} y={yOf(item.value) - 4} text-anchor="middle" class="value small">
                  {item.text}
                </text>
              ) : null}
              {index % every === 0 ? (
                <text x={x + slot / 2} y={top + plotHeight + 16} text-anchor="middle" class="tick">
                  {item.label}
                </text>
              ) : null}
            </g>
          )
        })}
        <line x1={left} x2={width - right} y1={top + plotHeight} y2={top + plotHeight} class="axis" />
        <text x={left + plotWidth / 2} y={height - 8} text-anchor="middle" class="axis-label">
          {xLabel}
        </text>
        <text x={14} y={top + plotHeight / 2} text-anchor="middle" class="axis-label" transform={`rotate(-90 14 ${top + plotHeight / 2})`}>
          {yLabel}
        </text>
      </svg>
      {props.table ?? <ChartTable {...props} />}
    </figure>
  )
}

/** The chart's numbers as a table, folded away until asked for. */
const ChartTable: FC<{ title: string; items: ChartItem[]; labelHeading: string; valueHeading: string; tableLabel: string }> = ({
  title,
  items,
  labelHeading,
  valueHeading,
  tableLabel,
}) => (
  <details>
    <summary>{tableLabel}</summary>
    <table>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{labelHeading}</th>
          <th scope="col">{valueHeading}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr>
            <th scope="row">{item.label}</th>
            <td>{item.text}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </details>
)

/** 1, 2, 5 × 10ⁿ at or above the value, so the y axis reads in round numbers (at least 1). */
export function roundMaximum(value: number): number {
  if (value <= 1) return 1
  const magnitude = 10 ** Math.floor(Math.log10(value))
  const step = [1, 2, 5, 10].find((factor) => factor * magnitude >= value)!
  return step * magnitude
}

const clip = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text)
