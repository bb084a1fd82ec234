import { ActionError } from '../step/errors.js'

/** The server answered with a status that is final for this request. */
export class HttpStatusError extends ActionError {
  constructor(
    readonly status: number,
    readonly statusText: string,
    /** The start of the response body, already redacted. */
    readonly bodySnippet: string,
    attempts: number,
    /** The start of the response body as text (at most 4 KiB), already redacted. */
    readonly body = ''
  ) {
    super(
      `HTTP ${status}${statusText ? ` ${statusText}` : ''}${bodySnippet ? `: ${bodySnippet}` : ''}`
    )
    this.attempts = attempts
  }
}

/** Rejected by the API's rate limit, and no further attempt fits the budgets. */
export class RateLimitError extends ActionError {
  constructor(
    message: string,
    readonly status: number,
    attempts: number,
    /** When the server said the limit resets, if it said so. */
    readonly retryAt: Date | undefined,
    hint?: string
  ) {
    super(message, hint)
    this.attempts = attempts
  }
}

/**
 * The exchange broke without an HTTP answer: no connection, a reset, a timeout, a short body.
 * `requestSent` tells whether the server may have received (and acted on) the request.
 */
export class TransportError extends ActionError {
  /** Another attempt would fail the same way (a certificate problem, a name that does not exist). */
  readonly final: boolean
  /** The proxy the request went through (its host), when one was in use: hints mention it only then. */
  proxy?: string

  constructor(
    message: string,
    readonly requestSent: boolean,
    options?: { cause?: unknown; hint?: string; final?: boolean }
  ) {
    super(message, options?.hint, options)
    this.final = options?.final ?? false
  }
}

/** A redirect the action refuses to follow (downgrade to http, too many hops, no Location). */
export class RedirectError extends ActionError {}
