import { describe, expect, it } from '@jest/globals'
import { RateLimiter, TokenBuckets } from '../../emulator/rate-limiter.js'

function clock(start = 1_700_000_000_000) {
  const state = { now: start }
  return { now: () => state.now, advance: (ms: number) => (state.now += ms) }
}

describe('TokenBuckets', () => {
  it('grants the burst, then refuses with the time until the next token', () => {
    const time = clock()
    const buckets = new TokenBuckets(3, 36, time.now)
    expect([1, 2, 3].map(() => buckets.take('10.0.0.1'))).toEqual([
      { granted: true },
      { granted: true },
      { granted: true }
    ])
    expect(buckets.take('10.0.0.1')).toEqual({ granted: false, waitMs: 36_000 })
    time.advance(10_000)
    const refused = buckets.take('10.0.0.1')
    expect(refused.granted).toBe(false)
    expect(refused.granted ? 0 : refused.waitMs).toBeCloseTo(26_000, 3)
  })

  it('refills continuously, one token per refill period, up to the burst', () => {
    const time = clock()
    const buckets = new TokenBuckets(2, 10, time.now)
    buckets.take('a')
    buckets.take('a')
    time.advance(10_000)
    expect(buckets.take('a')).toEqual({ granted: true })
    expect(buckets.take('a').granted).toBe(false)
    // A long pause refills no more than the burst.
    time.advance(1_000_000)
    expect([1, 2, 3].map(() => buckets.take('a').granted)).toEqual([true, true, false])
  })

  it('keeps one bucket per partition', () => {
    const buckets = new TokenBuckets(1, 36, clock().now)
    expect(buckets.take('10.0.0.1').granted).toBe(true)
    expect(buckets.take('10.0.0.1').granted).toBe(false)
    expect(buckets.take('10.0.0.2').granted).toBe(true)
  })

  it('does not lose tokens when the clock goes backwards', () => {
    const time = clock()
    const buckets = new TokenBuckets(1, 10, time.now)
    buckets.take('a')
    time.advance(-5_000)
    expect(buckets.take('a')).toEqual({ granted: false, waitMs: 10_000 })
  })

  it('fills every bucket again on reset', () => {
    const buckets = new TokenBuckets(1, 36, clock().now)
    buckets.take('a')
    buckets.reset()
    expect(buckets.take('a').granted).toBe(true)
  })

  it('rejects settings that make no bucket', () => {
    expect(() => new TokenBuckets(0, 36, Date.now)).toThrow(RangeError)
    expect(() => new TokenBuckets(1.5, 36, Date.now)).toThrow(RangeError)
    expect(() => new TokenBuckets(1, 0, Date.now)).toThrow(RangeError)
  })
})

describe('RateLimiter', () => {
  it('answers 429 with Retry-After in whole seconds, rounded up', () => {
    const time = clock()
    const limiter = new RateLimiter({ burst: 1, refillSeconds: 36 }, time.now)
    expect(limiter.check('ip')).toBeUndefined()
    time.advance(500)
    expect(limiter.check('ip')).toEqual({ status: 429, waitSeconds: 36, retryAfter: '36' })
    time.advance(35_000)
    expect(limiter.check('ip')).toEqual({ status: 429, waitSeconds: 1, retryAfter: '1' })
  })

  it('rounds a fractional wait up, and never announces less than a second', () => {
    const time = clock()
    const limiter = new RateLimiter({ burst: 1, refillSeconds: 36 }, time.now)
    limiter.check('ip')
    time.advance(800) // 35.2 s to go
    expect(limiter.check('ip')?.waitSeconds).toBe(36)
    time.advance(34_900) // 0.3 s to go
    expect(limiter.check('ip')).toMatchObject({ waitSeconds: 1, retryAfter: '1' })
  })

  it('sends the wait as an HTTP-date that is never before the next token', () => {
    const time = clock(1_700_000_000_250)
    const limiter = new RateLimiter({ burst: 1, refillSeconds: 10, retryAfter: 'date' }, time.now)
    limiter.check('ip')
    const rejection = limiter.check('ip')
    expect(rejection?.retryAfter).toBe(new Date(1_700_000_011_000).toUTCString())
    expect(rejection?.waitSeconds).toBe(10)
  })

  it('can reject with 503 and no Retry-After', () => {
    const limiter = new RateLimiter(
      { burst: 1, refillSeconds: 10, status: 503, retryAfter: 'none' },
      clock().now
    )
    limiter.check('ip')
    expect(limiter.check('ip')).toEqual({ status: 503, waitSeconds: 10, retryAfter: undefined })
  })

  it('defaults to the documented policy: 100 requests, then one every 36 seconds', () => {
    const time = clock()
    const limiter = new RateLimiter({ burst: 100, refillSeconds: 36 }, time.now)
    for (let i = 0; i < 100; i++) expect(limiter.check('ip')).toBeUndefined()
    expect(limiter.check('ip')?.retryAfter).toBe('36')
    time.advance(36_000)
    expect(limiter.check('ip')).toBeUndefined()
  })
})
