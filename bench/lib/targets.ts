// The targets of issue 21 as rows of the report: each figure next to its goal and whether it is
// met, with its spread over the rounds so a reader can tell a gain from noise. A ratio is taken
// per round (the two commands ran in the same round, close in time), then its median.
import { each, median } from './format.js'

export interface TargetRow {
  target: string
  goal: string
  /** The median (or the figure itself). */
  figure: string
  /** Every round's figure, in the order measured, or '-'. */
  rounds: string
  /** The lowest and highest round, or '-'. */
  spread: string
  met: boolean
}

/**
 * `numerator[i] / denominator[i]` for each round i; met when the median is at most `goal`, or
 * with `everyRound` when the highest round is.
 */
export function ratioTarget(
  target: string,
  numerator: number[],
  denominator: number[],
  goal: number,
  everyRound = false
): TargetRow {
  const ratios = numerator.map((value, i) => value / denominator[i])
  const middle = median(ratios)
  const highest = Math.max(...ratios)
  return {
    target,
    goal: `≤ ${goal.toFixed(2)}×${everyRound ? ', in every round' : ''}`,
    figure: `${middle.toFixed(2)}×`,
    rounds: each(ratios, ratio => ratio.toFixed(2)),
    spread: `${Math.min(...ratios).toFixed(2)}–${highest.toFixed(2)}×`,
    met: (everyRound ? highest : middle) <= goal
  }
}

/** The highest of some medians (peak RSS of several rows), against an upper bound. */
export function highestTarget(
  target: string,
  rows: Array<{ label: string; samples: number[] }>,
  goal: number,
  format: (value: number) => string
): TargetRow {
  const medians = rows.map(row => ({ label: row.label, value: median(row.samples) }))
  const top = medians.reduce((a, b) => (b.value > a.value ? b : a))
  const all = rows.find(row => row.label === top.label)?.samples ?? []
  return {
    target,
    goal: `≤ ${format(goal)}`,
    figure: `${format(top.value)} (${top.label})`,
    rounds: each(all, format),
    spread: `${format(Math.min(...all))}–${format(Math.max(...all))}`,
    met: top.value <= goal
  }
}
