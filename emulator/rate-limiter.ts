// The documented Key Catalog rate limit: a token bucket per client IP, a burst of `burst`
// requests, one token back every `refillSeconds`, and no queueing.

export interface RateLimitOptions {
  burst: number
  refillSeconds: number
  /** Status of a rejected request; default 429. */
  status?: 429 | 503
  /** How the wait is announced: Retry-After in seconds, as an HTTP-date, or not at all. */
  retryAfter?: 'seconds' | 'date' | 'none'
  /** Whether the rejection's message names the wait ("Try again in N seconds."); default true. */
  waitInBody?: boolean
}

export const DEFAULT_RATE_LIMIT: Required<RateLimitOptions> = {
  burst: 100,
  refillSeconds: 36,
  status: 429,
  retryAfter: 'seconds',
  waitInBody: true
}

export type TakeResult = { granted: true } | { granted: false; waitMs: number }

interface Bucket {
  tokens: number
  updatedAt: number
}

/** Token buckets keyed by partition; refill is continuous, computed from `now()` on each take. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>()
  private readonly refillMs: number

  constructor(
    private readonly burst: number,
    refillSeconds: number,
    private readonly now: () => number
  ) {
    if (!Number.isInteger(burst) || burst < 1) {
      throw new RangeError(`burst must be a positive integer, got ${burst}`)
    }
    if (!(refillSeconds > 0)) {
      throw new RangeError(`refillSeconds must be positive, got ${refillSeconds}`)
    }
    this.refillMs = refillSeconds * 1000
  }

  take(partition: string): TakeResult {
    const now = this.now()
    const bucket = this.buckets.get(partition) ?? { tokens: this.burst, updatedAt: now }
    // A clock that goes backwards must not drain tokens.
    const elapsed = Math.max(0, now - bucket.updatedAt)
    bucket.tokens = Math.min(this.burst, bucket.tokens + elapsed / this.refillMs)
    bucket.updatedAt = now
    this.buckets.set(partition, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return { granted: true }
    }
    return { granted: false, waitMs: (1 - bucket.tokens) * this.refillMs }
  }

  /** Fills every bucket again. */
  reset(): void {
    this.buckets.clear()
  }
}

export interface RateLimitRejection {
  status: 429 | 503
  /** Whole seconds until the next token: rounded up, at least 1. */
  waitSeconds: number
  /** The Retry-After header value, when one is sent. */
  retryAfter?: string
}

/** Applies the rate limit to client IPs and says how a rejection is answered. */
export class RateLimiter {
  private readonly options: Required<RateLimitOptions>
  private readonly buckets: TokenBuckets

  constructor(
    options: RateLimitOptions,
    private readonly now: () => number = Date.now
  ) {
    this.options = { ...DEFAULT_RATE_LIMIT, ...options }
    this.buckets = new TokenBuckets(this.options.burst, this.options.refillSeconds, now)
  }

  /** Spends a token of the client's bucket: undefined when granted, else how to reject. */
  check(clientIp: string): RateLimitRejection | undefined {
    const result = this.buckets.take(clientIp)
    if (result.granted) return undefined
    const waitSeconds = Math.max(1, Math.ceil(result.waitMs / 1000))
    return {
      status: this.options.status,
      waitSeconds,
      retryAfter: this.retryAfterHeader(result.waitMs, waitSeconds)
    }
  }

  reset(): void {
    this.buckets.reset()
  }

  /** The message of a rejection's JSON body. */
  message(rejection: RateLimitRejection): string {
    return this.options.waitInBody
      ? `Rate limit is exceeded. Try again in ${rejection.waitSeconds} seconds.`
      : 'Rate limit is exceeded.'
  }

  private retryAfterHeader(waitMs: number, waitSeconds: number): string | undefined {
    switch (this.options.retryAfter) {
      case 'seconds':
        return String(waitSeconds)
      case 'date':
        // HTTP-dates have whole seconds: round up so the date is never before the next token.
        return new Date(Math.ceil((this.now() + waitMs) / 1000) * 1000).toUTCString()
      case 'none':
        return undefined
    }
  }
}
