// Input helpers every action's zod schema can use: a value quoted for a message, an input that was
// not given, booleans, whole numbers, an API root.
import { z } from 'zod'
import { shorten } from '../format.js'
import { redact } from '../secrets.js'

const TRUTHY = ['true', 'True', 'TRUE']
const FALSY = ['false', 'False', 'FALSE']
const MAX_SHOWN_LENGTH = 60

/**
 * A value as shown in a message: the run's secrets hidden, trimmed, shortened, quoted, control
 * characters escaped. The secrets go first, so no shortened or escaped part of one shows.
 */
export function quote(value: unknown): string {
  const text = redact(String(value)).trim()
  return JSON.stringify(shorten(text, MAX_SHOWN_LENGTH))
}

/** A URL as shown in a message, with any user:password@ part hidden. */
export function quoteUrl(value: unknown): string {
  return quote(String(value).replace(/^([a-z][a-z\d+.-]*:\/*)[^/?#]*@/i, '$1***@'))
}

/** A custom zod issue with `message` about `input`. */
export function issue(message: string, input: unknown) {
  return { code: 'custom' as const, message, input }
}

/** A workflow passes an input it was not given as ''; treat that (or blanks) as not given. */
export function given<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (raw: unknown) => (typeof raw === 'string' ? raw.trim() || undefined : raw),
    schema
  )
}

// Like core.getBooleanInput. Not z.stringbool: its failure stops a schema's cross-input checks,
// so a bad boolean would hide another problem (the Catalog's: a deploy without a system).
export function boolean() {
  return z
    .enum([...TRUTHY, ...FALSY], {
      error: iss => `${quote(iss.input)} is not a boolean (expected true or false)`
    })
    .transform(text => TRUTHY.includes(text))
}

/** An API root: http: or https:, no credentials, query or fragment; its path ends with a slash. */
export const baseUrl = z.string().transform((text, ctx) => {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    ctx.addIssue(issue(`${quoteUrl(text)} is not an absolute http:// or https:// URL`, text))
    return z.NEVER
  }
  const problems: string[] = []
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`${quoteUrl(text)} uses ${url.protocol}; only http: and https: are accepted`)
  }
  if (url.username || url.password) {
    problems.push('contains credentials (user:password@); give the API root without them')
  }
  if (url.search || url.hash || /[?#]/.test(text)) {
    problems.push(`${quoteUrl(text)} has a query or fragment; give the API root only`)
  }
  for (const problem of problems) ctx.addIssue(issue(problem, text))
  if (problems.length > 0) return z.NEVER
  // `https://host/ns//` and `https://host/ns` both mean the API root /ns/.
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/`
  return url
})

/** A whole number from `min` to `max`. */
export function integer(min: number, max: number) {
  return z.string().transform((text, ctx) => {
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN
    if (value >= min && value <= max) return value
    ctx.addIssue(issue(`${quote(text)} is not a whole number from ${min} to ${max}`, text))
    return z.NEVER
  })
}
