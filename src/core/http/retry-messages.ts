// What the retry loop says: a line per wait, and the final error when it gives up.
import { HttpStatusError, RateLimitError, TransportError } from './errors.js'
import { capitalize, formatDuration, formatInstant } from '../format.js'
import type { RateLimitPolicy } from './retry-policy.js'
import type { StepBudget } from './step-budget.js'

export type Failure =
  | {
      kind: 'status'
      error: HttpStatusError
      /** The rate limit that rejected the request; undefined for another status. */
      limit?: RateLimitPolicy
      /** The wait the server asked for, in its Retry-After header or in its answer's text. */
      serverWait?: { ms: number; said: 'Retry-After' | 'body' }
    }
  | { kind: 'transport'; error: TransportError }

/** "was rejected by the rate limit (HTTP 429 Too Many Requests)", "failed: <reason>" */
export function describeFailure(failure: Failure): string {
  if (failure.kind === 'transport') return `failed: ${withoutFullStop(failure.error.message)}`
  const { status, statusText } = failure.error
  const text = statusText ? ` ${statusText}` : ''
  return failure.limit
    ? `was rejected by the rate limit (HTTP ${status}${text})`
    : `failed with HTTP ${status}${text}`
}

export function waitLine(
  label: string,
  attempt: number,
  maxAttempts: number,
  failure: Failure,
  waitMs: number,
  why: string,
  leftAfterMs: number
): string {
  return (
    `${sentence(`${capitalize(label)}: attempt ${attempt} of ${maxAttempts} ${describeFailure(failure)}`)} ` +
    `Waiting ${formatDuration(waitMs)} (${why}); ${formatDuration(leftAfterMs)} of max-wait-seconds left after that.`
  )
}

/** The error once max-attempts is spent. */
export function attemptsSpent(
  label: string,
  attempts: number,
  failure: Failure,
  retryAt?: Date
): Error {
  if (failure.kind === 'status' && failure.limit) {
    return new RateLimitError(
      `The ${label} request was still rejected by the rate limit (HTTP ${failure.error.status}) after ${attempts} attempt(s).`,
      failure.error.status,
      attempts,
      retryAt,
      `${failure.limit.explanation}${retryAt ? ` The server said to retry at ${formatInstant(retryAt)}.` : ''} ` +
        'Raise max-attempts, or run the step later.'
    )
  }
  if (attempts === 1 || failure.kind === 'status') return failure.error
  return new TransportError(
    `${sentence(failure.error.message)} Gave up after ${attempts} attempts.`,
    failure.error.requestSent,
    { cause: failure.error, hint: failure.error.hint }
  )
}

/** The error when the next wait does not fit in what is left of max-wait-seconds. */
export function waitTooLong(
  label: string,
  attempts: number,
  failure: Failure,
  waitMs: number,
  budget: StepBudget,
  retryAt?: Date
): Error {
  const left = `${formatDuration(budget.remainingMs)} left of max-wait-seconds (${budget.maxWaitMs / 1000})`
  const neededSeconds = Math.ceil((budget.totalWaitedMs + waitMs) / 1000)
  if (failure.kind === 'status' && failure.limit) {
    const asked = retryAt
      ? `the server asks to wait ${formatDuration(waitMs)} (until ${formatInstant(retryAt)})`
      : `the next attempt would need a ${formatDuration(waitMs)} wait`
    return new RateLimitError(
      `The ${label} request was rejected by the rate limit (HTTP ${failure.error.status}) and ${asked}, more than the ${left}.`,
      failure.error.status,
      attempts,
      retryAt,
      `${retryAt ? `The limit resets at ${formatInstant(retryAt)}: run the step again then, or` : 'Run the step again later, or'} ` +
        `raise max-wait-seconds to at least ${neededSeconds}. ${failure.limit.explanation}`
    )
  }
  if (failure.kind === 'status') return failure.error
  return new TransportError(
    `${sentence(failure.error.message)} A further attempt would need a ${formatDuration(waitMs)} wait, more than the ${left}.`,
    failure.error.requestSent,
    { cause: failure.error, hint: failure.error.hint }
  )
}

function withoutFullStop(text: string): string {
  return text.replace(/\.+$/, '')
}

/** The text with exactly one full stop at its end (or its own ? or !). */
export function sentence(text: string): string {
  const trimmed = text.trimEnd().replace(/\.+$/, '')
  return /[?!]$/.test(trimmed) ? trimmed : `${trimmed}.`
}
