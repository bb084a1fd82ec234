// Which outcomes are worth another attempt, and how long to wait when the server does not say.
// What a rate limit is and which statuses mean what belong to the API: the action passes them in.

/** An API's rate limit, as the retry loop needs to know it. */
export interface RateLimitPolicy {
  /** The statuses of a rejection by the limit: the request was not processed, so even a change may be repeated. */
  statuses: readonly number[]
  /** How long the limit takes to let one more request through; the wait when the server names none. */
  refillMs: number
  /** For people: what the limit allows, one sentence, said when the step gives up on it. */
  explanation: string
  /** The wait a rejection's body names, in milliseconds, when the API says it there. */
  waitInBody?: (body: string) => number | undefined
}

/** What other answers of the API mean for a retry. */
export interface StatusMeanings {
  /** Server faults worth repeating for a request that changes nothing. */
  transient: readonly number[]
}

export const DEFAULT_STATUS_MEANINGS: StatusMeanings = { transient: [500, 502, 504] }

export function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308
}

/**
 * The wait before the next attempt when the server named none.
 *
 * A rate-limit rejection means the caller's bucket is empty, and it gains one token per refill:
 * any shorter wait only spends another request on a second rejection. So the wait is one refill,
 * made up to 5 % longer at random so that jobs sharing the bucket do not all come back at once.
 *
 * Other faults back off exponentially from 1 s, with ±20 % jitter, capped at the refill interval.
 */
export function backoffMs(
  attempt: number,
  rateLimited: boolean,
  random: number,
  refillMs: number
): number {
  if (rateLimited) return Math.round(refillMs * (1 + 0.05 * random))
  const nominal = Math.min(refillMs, 1_000 * 2 ** (attempt - 1))
  return Math.round(Math.min(refillMs, nominal * (0.8 + 0.4 * random)))
}
