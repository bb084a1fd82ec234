/**
 * Reads a Retry-After header: delta-seconds ("120") or an HTTP-date. Returns the wait in
 * milliseconds (never negative), or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs: number
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // Only accept something that looks like a date, so "soon" or "-5" are not read as one.
  if (!/[a-z]/i.test(text) || !/\d{4}/.test(text)) return undefined
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowMs)
}
