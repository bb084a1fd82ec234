// What a REGARDS download answer means for the action (research §5, contract "Statuses of a
// download"): each status, and for 429 its text, read into one verdict.

export type DownloadVerdict =
  | { kind: 'ok' }
  /** 401: sign in once more (with username) or fail naming the token. */
  | { kind: 'unauthorized' }
  /** 403: no access to the product; no retry. */
  | { kind: 'forbidden' }
  /** 404: unknown product or file; no retry. */
  | { kind: 'not-found' }
  /** 410: a nearline file not available; restore, or fail naming restore. */
  | { kind: 'nearline' }
  /** 423: the licence is not accepted; the link comes from the body when it has one. */
  | { kind: 'licence'; licenseLink: string | undefined }
  /** 429, quota text: spent for good; fail at once. */
  | { kind: 'quota'; message: string }
  /** 429, rate text (or no known text): too many at once; wait and repeat with fewer. */
  | { kind: 'rate'; message: string }
  /** 515: the project is in maintenance; repeat within the budget, then say so. */
  | { kind: 'maintenance' }
  /** 202 and 5xx: repeat within the budget. */
  | { kind: 'retry'; status: number }
  /** Anything else: fail, showing the status. */
  | { kind: 'unexpected'; status: number }

const RETRIED = new Set([202, 500, 502, 503, 504])

/** The verdict on a download answer; `body` is its text (read only for 423 and 429). */
export function downloadVerdict(status: number, body = ''): DownloadVerdict {
  if (status === 200) return { kind: 'ok' }
  switch (status) {
    case 401:
      return { kind: 'unauthorized' }
    case 403:
      return { kind: 'forbidden' }
    case 404:
      return { kind: 'not-found' }
    case 410:
      return { kind: 'nearline' }
    case 423:
      return { kind: 'licence', licenseLink: licenseLinkOf(body) }
    case 429: {
      const message = body.trim()
      // "Download quota of <max> exceeded (by <n>) for user <email>."
      if (/^Download quota of\b/i.test(message)) return { kind: 'quota', message }
      return { kind: 'rate', message }
    }
    case 515:
      return { kind: 'maintenance' }
  }
  return RETRIED.has(status) ? { kind: 'retry', status } : { kind: 'unexpected', status }
}

/** `license` of the 423 body `{"license": "<link>", "accept": "…"}`, when it is a web link. */
function licenseLinkOf(body: string): string | undefined {
  try {
    const value = JSON.parse(body) as { license?: unknown }
    const link = value?.license
    return typeof link === 'string' && /^https?:\/\//i.test(link) ? link : undefined
  } catch {
    return undefined
  }
}
