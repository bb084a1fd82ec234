// Longer than any step may wait (max-wait-seconds is at most 6 h), yet short enough that the
// instant it ends is a date: a longer delta-seconds is read as this.
const MAX_DELTA_SECONDS = 10 * 365 * 24 * 3600

/**
 * Reads a Retry-After header: delta-seconds ("120") or an HTTP-date. Returns the wait in
 * milliseconds (never negative, at most ten years), or undefined when the header is absent or
 * unreadable.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs: number
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Math.min(Number(text), MAX_DELTA_SECONDS) * 1000
  // Only accept something that looks like a date, so "soon" or "-5" are not read as one.
  if (!/[a-z]/i.test(text) || !/\d{4}/.test(text)) return undefined
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowMs)
}

// Azure API Management, which fronts the Key Catalog API, answers a rate-limited call with
// "Rate limit is exceeded. Try again in 12 seconds." in the body, with or without Retry-After.
const BODY_WAIT = /\b(?:try again|retry) (?:in|after) (\d{1,6}(?:\.\d+)?) ?(seconds?|secs?|s)\b/i

/** The wait a rejection's body names ("Try again in 12 seconds"), in milliseconds, if any. */
export function waitNamedInBody(body: string): number | undefined {
  const match = BODY_WAIT.exec(body)
  return match ? Math.ceil(Number(match[1]) * 1000) : undefined
}
