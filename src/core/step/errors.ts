// The root of the actions' error hierarchy, and the errors of the step itself. Every failure an
// action foresees is an ActionError: it carries a message that says what failed and, where there
// is one, what to do about it. Anything else (a fault of the action, an error of Node it does not
// expect) is reported with its own message, without a hint. The step lifecycle (run-step.ts) is
// the only place that turns an error into the step's `::error::`. Each layer declares its own
// ActionErrors beside its code: core/http/errors.ts, core/files/errors.ts, core/zip/errors.ts.

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

/** The runner cancelled the step (SIGINT or SIGTERM). */
export class CancelledError extends ActionError {
  constructor(readonly signal: string) {
    super(
      `The step was cancelled (${signal}) before it finished; the action removed what it had begun to write.`,
      'Run the step again; nothing of the cancelled attempt is kept in path or the tool cache.'
    )
  }
}

/** Turns anything thrown into an Error. */
export function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown))
}
