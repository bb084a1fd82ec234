// Which outcomes are worth another attempt, and how long to wait when the server does not say.

/** The documented refill interval of the Key Catalog API's token bucket. */
export const RATE_LIMIT_REFILL_MS = 36_000

/** Rejections of the rate limit: the request was not processed, so even a deploy may be repeated. */
export function isRateLimitStatus(status: number): boolean {
  return status === 429 || status === 503
}

/** Server faults worth repeating for a request that changes nothing. */
export function isTransientServerStatus(status: number): boolean {
  return status === 500 || status === 502 || status === 504
}

export function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308
}

/**
 * Exponential backoff with jitter, capped at the refill interval. A rate-limit rejection starts
 * higher than a fault because an empty bucket gains one token per 36 s: four waits from 4 s add
 * up to more than that, so the default five attempts survive an empty bucket.
 */
export function backoffMs(attempt: number, rateLimited: boolean, random: number): number {
  const base = rateLimited ? 4_000 : 1_000
  const nominal = Math.min(RATE_LIMIT_REFILL_MS, base * 2 ** (attempt - 1))
  const jittered = nominal * (0.8 + 0.4 * random)
  return Math.round(Math.min(RATE_LIMIT_REFILL_MS, jittered))
}
