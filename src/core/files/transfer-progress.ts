// A progress line for long transfers, as actions/cache writes them: at most one every 10 s, with
// the bytes so far, the total and the share of it when the server announced it, the rate and the
// time left. A transfer that ends within the first interval writes none.
import type { Clock } from '../http/clock.js'
import { formatBytes, formatDuration } from '../format.js'

/** How often a line is written, at most; the first comes this long after the start. */
export const PROGRESS_INTERVAL_MS = 10_000

export interface ProgressOptions {
  /** The transfer's size in bytes when known (Content-Length), else undefined. */
  total?: number
  /** Only `now()` is used: tests drive time with a fake clock. */
  clock: Pick<Clock, 'now'>
  /** Receives each line (the step's log). */
  report: (line: string) => void
  /** "Received" by default. */
  verb?: string
  intervalMs?: number
}

/** Counts a transfer's bytes as they pass and reports progress now and then. */
export class TransferProgress {
  private bytes = 0
  private readonly startedAt: number
  private lastAt: number
  private lastBytes = 0
  private readonly intervalMs: number

  constructor(private readonly options: ProgressOptions) {
    this.intervalMs = options.intervalMs ?? PROGRESS_INTERVAL_MS
    this.startedAt = options.clock.now()
    this.lastAt = this.startedAt
  }

  /** Call with each chunk's length; cheap: one addition and one clock read. */
  add(length: number): void {
    this.bytes += length
    const now = this.options.clock.now()
    if (now - this.lastAt < this.intervalMs) return
    this.options.report(this.line(now))
    this.lastAt = now
    this.lastBytes = this.bytes
  }

  private line(now: number): string {
    const { total, verb = 'Received' } = this.options
    // The rate of the last interval: what the transfer does now, not since its start.
    const rate = ((this.bytes - this.lastBytes) * 1000) / (now - this.lastAt)
    const speed = `${formatBytes(Math.round(rate))}/s`
    if (total === undefined || !(total > 0) || this.bytes > total) {
      return `${verb} ${formatBytes(this.bytes)} so far, ${speed}`
    }
    const share = ((100 * this.bytes) / total).toFixed(1)
    const left =
      rate > 0 ? `, about ${formatDuration(((total - this.bytes) * 1000) / rate)} left` : ''
    return `${verb} ${formatBytes(this.bytes)} of ${formatBytes(total)} (${share} %), ${speed}${left}`
  }
}
