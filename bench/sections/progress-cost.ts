// What the progress lines (src/core/files/transfer-progress.ts) cost the download: the reporter
// fed a transfer of the throughput package in the 64 KiB chunks a socket gives, on the system
// clock as in the action, timed here in the bench's own process, against the `cache: false` run.
import { systemClock } from '../../src/core/http/clock.js'
import { TransferProgress } from '../../src/core/files/transfer-progress.js'
import { each, median } from '../lib/format.js'
import type { TargetRow } from '../lib/targets.js'

const CHUNK = 64 * 1024
const REPEATS = 5
/** "Nothing measurable": below the spread of any timed row by far. */
const GOAL_SHARE = 0.01

export function progressCost(size: number, noCacheMs: number): TargetRow {
  const chunks = Math.ceil(size / CHUNK)
  const lines: string[] = []
  const times: number[] = []
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const progress = new TransferProgress({
      total: size,
      clock: systemClock,
      report: line => lines.push(line)
    })
    const started = performance.now()
    for (let i = 0; i < chunks; i++) progress.add(CHUNK)
    times.push(performance.now() - started)
  }
  const cost = median(times)
  return {
    target: `progress lines: their cost for ${chunks} chunks of 64 KiB, vs \`cache: false\``,
    goal: `nothing measurable (< ${GOAL_SHARE * 100} %)`,
    figure: `${cost.toFixed(2)} ms, ${((100 * cost) / noCacheMs).toFixed(3)} % of ${(noCacheMs / 1000).toFixed(2)} s`,
    rounds: each(times, ms => `${ms.toFixed(2)} ms`),
    spread: `${Math.min(...times).toFixed(2)}–${Math.max(...times).toFixed(2)} ms`,
    met: cost / noCacheMs < GOAL_SHARE && lines.length === 0
  }
}
