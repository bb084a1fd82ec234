// How long to wait before asking the availability route again while a restore runs: growing
// intervals, never less than 5 s apart nor more than 60 s, and never past the deadline
// (`restore-timeout-minutes`).

export const FIRST_POLL_MS = 5_000
export const MAX_POLL_MS = 60_000

/**
 * The wait before poll number `attempt` (1 for the first poll after the restore was asked), or
 * undefined when the deadline leaves no room for one more.
 */
export function restorePollDelay(attempt: number, remainingMs: number): number | undefined {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`a poll attempt is a whole number from 1, not ${attempt}`)
  }
  if (remainingMs <= 0) return undefined
  const growing = Math.min(FIRST_POLL_MS * 2 ** Math.min(attempt - 1, 10), MAX_POLL_MS)
  // The last poll lands on the deadline rather than after it, if it still leaves 5 s.
  if (remainingMs < growing) return remainingMs >= FIRST_POLL_MS ? remainingMs : undefined
  return growing
}
