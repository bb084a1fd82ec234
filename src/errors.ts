// The action's error hierarchy. Every failure the user sees is one of these: each carries a
// message that says what failed and, where there is one, what to do about it. `main.ts` is the
// only place that turns an error into the step's `::error::`.

export class ActionError extends Error {
  /** What the user can do about it; appended to the message when reported. */
  readonly hint?: string
  /** How many attempts the failed request took, when a request failed. */
  attempts?: number

  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.hint = hint
  }
}

/** One or more inputs are invalid; raised before any request is made. */
export class InputError extends ActionError {
  constructor(readonly problems: string[]) {
    const list =
      problems.length === 1 ? ` ${problems[0]}` : `\n${problems.map(p => `  - ${p}`).join('\n')}`
    super(
      `The step's inputs are not valid:${list}`,
      'Fix the step\'s "with:" values; nothing was sent to the API.'
    )
  }
}

/** The server answered with a status that is final for this request. */
export class HttpStatusError extends ActionError {
  constructor(
    readonly status: number,
    readonly statusText: string,
    /** The start of the response body, already redacted. */
    readonly bodySnippet: string,
    attempts: number
  ) {
    super(
      `HTTP ${status}${statusText ? ` ${statusText}` : ''}${bodySnippet ? `: ${bodySnippet}` : ''}`
    )
    this.attempts = attempts
  }
}

/** Rejected by the rate limit (429 or 503) and no further attempt fits the budgets. */
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

/** The downloaded bytes are not what was promised (size or SHA-256). Never retried. */
export class IntegrityError extends ActionError {}

/**
 * The answer to a download is not a package: another status than 200, an empty body, something
 * that is not a zip archive (a proxy's or portal's page), an encoding that cannot be undone.
 * Never retried: the same request would get the same answer and spend another rate-limit token.
 */
export class PackageError extends ActionError {}

/** Something the action did not create is in the way of what it would write; left as it was. */
export class DestinationConflictError extends ActionError {}

/** The runner cancelled the step (SIGINT or SIGTERM). */
export class CancelledError extends ActionError {
  constructor(readonly signal: string) {
    super(
      `The step was cancelled (${signal}) before it finished; the action removed what it had begun to write.`,
      'Run the step again; nothing of the cancelled attempt is kept in path or the tool cache.'
    )
  }
}

/** A package whose entries would land outside the extraction folder, or that cannot be read. */
export class UnsafeArchiveError extends ActionError {}

/**
 * A zip that reads, but whose directory and local headers disagree or whose entries share bytes:
 * tools read such an archive differently, and it can unpack to far more than its size.
 */
export class MalformedArchiveError extends UnsafeArchiveError {}

/** The versions answer of the API could not be read. */
export class VersionsAnswerError extends ActionError {}

/** Wraps a final error with the Catalog operation it belongs to and a hint for the user. */
export class CatalogError extends ActionError {}

/** One or more systems of a multi-system deploy failed; each is named with its reason. */
export class DeployFailedError extends ActionError {
  constructor(
    readonly failures: { coordinationId: string; error: Error }[],
    total: number
  ) {
    const hints = [
      ...new Set(
        failures
          .map(f => (f.error instanceof ActionError ? f.error.hint : undefined))
          .filter(Boolean)
      )
    ]
    super(
      `Deployment failed for ${failures.length} of ${total} systems:\n` +
        failures.map(f => `  - ${f.coordinationId}: ${f.error.message}`).join('\n'),
      hints.length ? hints.join('\n') : undefined
    )
  }
}

/** Turns anything thrown into an Error. */
export function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown))
}
