import { waitNamedInBody } from '../../core/http/retry-after.js'
import type { RateLimitPolicy } from '../../core/http/retry-policy.js'

/** The documented refill interval of the Key Catalog API's token bucket. */
export const RATE_LIMIT_REFILL_MS = 36_000

// Azure API Management, which fronts the Key Catalog API, answers a rate-limited call with 429,
// or 503 when the gateway sheds load, and says in the body how long to wait ("Try again in 12
// seconds."), with or without Retry-After.
export const CATALOG_RATE_LIMIT: RateLimitPolicy = {
  statuses: [429, 503],
  refillMs: RATE_LIMIT_REFILL_MS,
  explanation:
    'The Key Catalog API allows a burst of 100 requests per IP address, then one every 36 s, and rejects the rest.',
  waitInBody: waitNamedInBody
}
