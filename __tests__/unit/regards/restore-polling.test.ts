import { describe, expect, it } from '@jest/globals'
import { restorePollDelay } from '../../../src/regards/restore-polling.js'

describe('restorePollDelay', () => {
  it('grows from 5 s to at most 60 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 50].map(attempt => restorePollDelay(attempt, 3_600_000))
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000])
  })

  it('never waits past the deadline, nor polls sooner than 5 s', () => {
    expect(restorePollDelay(5, 30_000)).toBe(30_000)
    expect(restorePollDelay(1, 5_000)).toBe(5_000)
    expect(restorePollDelay(1, 4_999)).toBeUndefined()
    expect(restorePollDelay(1, 0)).toBeUndefined()
    expect(restorePollDelay(1, -1)).toBeUndefined()
  })

  it('fits within any deadline: the waits add up to no more than it', () => {
    for (const timeout of [4_000, 5_000, 29_000, 30_000, 3_600_000]) {
      let remaining = timeout
      let attempt = 1
      const waits: number[] = []
      for (let wait = restorePollDelay(attempt, remaining); wait !== undefined;) {
        waits.push(wait)
        remaining -= wait
        wait = restorePollDelay(++attempt, remaining)
      }
      expect(waits.reduce((sum, wait) => sum + wait, 0)).toBeLessThanOrEqual(timeout)
      expect(waits.every(wait => wait >= 5_000 && wait <= 60_000)).toBe(true)
    }
  })

  it('refuses an attempt that is not a whole number from 1', () => {
    expect(() => restorePollDelay(0, 1_000)).toThrow(RangeError)
    expect(() => restorePollDelay(1.5, 1_000)).toThrow(RangeError)
  })
})
