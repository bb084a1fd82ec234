import { describe, expect, it } from '@jest/globals'
import { parseRetryAfter, waitNamedInBody } from '../../src/core/http/retry-after.js'
import { backoffMs as backoffWithRefill } from '../../src/core/http/retry-policy.js'
import { RATE_LIMIT_REFILL_MS } from '../../src/dataminer/catalog/rate-limit.js'

/** The backoff with the Key Catalog API's refill interval. */
const backoffMs = (attempt: number, rateLimited: boolean, random: number) =>
  backoffWithRefill(attempt, rateLimited, random, RATE_LIMIT_REFILL_MS)

const NOW = Date.parse('2026-11-23T10:00:00Z')

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0)
    expect(parseRetryAfter('36', NOW)).toBe(36_000)
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000)
  })

  it('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:30 GMT', NOW)).toBe(30_000)
    expect(parseRetryAfter(new Date(NOW + 3_600_000).toUTCString(), NOW)).toBe(3_600_000)
  })

  it('never returns a negative wait for a date in the past', () => {
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:59:00 GMT', NOW)).toBe(0)
  })

  it('reads a wait too long for a date (and for any step) as ten years', () => {
    const tenYears = 10 * 365 * 24 * 3600 * 1000
    expect(parseRetryAfter(String(10 * 365 * 24 * 3600), NOW)).toBe(tenYears)
    expect(parseRetryAfter('30000000000000', NOW)).toBe(tenYears)
    expect(parseRetryAfter('9'.repeat(400), NOW)).toBe(tenYears)
    expect(new Date(NOW + tenYears).toISOString()).toBe('2036-11-20T10:00:00.000Z')
  })

  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter(['5', '60'], NOW)).toBe(5_000)
  })

  it.each([undefined, '', 'soon', '-5', '1.5', '12abc', 'Tuesday'])(
    'treats %p as absent',
    value => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined()
    }
  )
})

describe('waitNamedInBody', () => {
  it.each([
    ['Rate limit is exceeded. Try again in 12 seconds.', 12_000],
    ['{"statusCode":429,"message":"Rate limit is exceeded. Try again in 1 second."}', 1_000],
    ['Please retry after 30s', 30_000],
    ['try again in 2.5 secs', 2_500]
  ])('reads %p', (body, ms) => {
    expect(waitNamedInBody(body)).toBe(ms)
  })

  it.each(['', 'Too Many Requests', 'Try again later', 'try again in a minute', 'in 12 seconds'])(
    'finds no wait in %p',
    body => {
      expect(waitNamedInBody(body)).toBeUndefined()
    }
  )
})

describe('backoffMs', () => {
  it('grows exponentially from 1 s for faults', () => {
    expect([1, 2, 3, 4].map(n => backoffMs(n, false, 0.5))).toEqual([1000, 2000, 4000, 8000])
  })

  it('waits one refill of the bucket, never less, when rate limited without a hint', () => {
    for (const attempt of [1, 2, 5]) {
      expect(backoffMs(attempt, true, 0)).toBe(RATE_LIMIT_REFILL_MS)
      expect(backoffMs(attempt, true, 0.999999)).toBeLessThanOrEqual(RATE_LIMIT_REFILL_MS * 1.05)
    }
    expect(backoffMs(1, true, 0.5)).toBe(36_900)
  })

  it('jitters faults within ±20 % and never beyond the 36 s refill interval', () => {
    expect(backoffMs(2, false, 0)).toBe(1600)
    expect(backoffMs(2, false, 0.999999)).toBe(2400)
    for (const random of [0, 0.5, 0.999999]) {
      expect(backoffMs(10, false, random)).toBeLessThanOrEqual(RATE_LIMIT_REFILL_MS)
    }
    expect(backoffMs(10, false, 0)).toBe(28_800)
  })
})
