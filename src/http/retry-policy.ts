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
 * The wait before the next attempt when the server named none.
 *
 * A rate-limit rejection means the caller's bucket is empty, and it gains one token per 36 s: any
 * shorter wait only spends another request on a second rejection. So the wait is one refill, made
 * up to 5 % longer at random so that jobs sharing the bucket do not all come back at once.
 *
 * Other faults back off exponentially from 1 s, with ±20 % jitter, capped at the refill interval.
 */
export function backoffMs(attempt: number, rateLimited: boolean, random: number): number {
  if (rateLimited) return Math.round(RATE_LIMIT_REFILL_MS * (1 + 0.05 * random))
  const nominal = Math.min(RATE_LIMIT_REFILL_MS, 1_000 * 2 ** (attempt - 1))
  return Math.round(Math.min(RATE_LIMIT_REFILL_MS, nominal * (0.8 + 0.4 * random)))
}
