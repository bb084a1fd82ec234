import { ActionError } from '../core/step/errors.js'

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
