// The step's life: mask the key, read the inputs, do the work, report a failure once, write the
// summary, and undo everything begun when the runner cancels. This module and what it imports
// statically stay small (no @actions/core, no HTTP): a step that only rejects an input loads
// nothing else. The work itself (src/perform.ts) is loaded once the inputs are valid.
import { CancelScope } from '../core/step/cancel-scope.js'
import { ActionError, toError } from '../core/step/errors.js'
import type { Clock } from '../core/http/clock.js'
import type { Transport } from '../core/http/transport.js'
import { readInputs } from './inputs/read-inputs.js'
import { bindToRun, redact, withSecrets } from '../core/secrets.js'
import { writeSummary, type StepReport } from './summary.js'
import * as runner from '../core/step/workflow-commands.js'

/** Seams for tests; the action itself runs with the defaults. */
export interface RunDependencies {
  clock?: Clock
  transport?: Transport
}

export interface RunOutcome {
  /** The runner cancelled the step; the caller should exit at once. */
  cancelled: boolean
}

/** How long a cancelled step may take to undo its work before it removes what is left at once. */
const CANCEL_GRACE_MS = 3000

export async function run(dependencies: RunDependencies = {}): Promise<RunOutcome> {
  // Masked before anything else can print it, even an input error.
  const apiKey = runner.getInput('api-key')
  if (apiKey) runner.setSecret(apiKey)
  return withSecrets([apiKey], () => runStep(dependencies))
}

async function runStep(dependencies: RunDependencies): Promise<RunOutcome> {
  const scope = new CancelScope()
  const failure = new FailureReport()
  const stopHandlingSignals = handleSignals(scope, failure)
  const report: StepReport = {}
  try {
    const settings = readInputs()
    for (const warning of settings.warnings) runner.warning(warning)
    report.operation = settings.operation
    report.catalogId = settings.catalogId
    report.requestedVersion = settings.version
    const { perform } = await import('./perform.js')
    await perform(settings, report, scope, dependencies)
  } catch (thrown) {
    const error = scope.reason ?? toError(thrown)
    report.error = error
    failure.report(error)
  } finally {
    stopHandlingSignals()
  }
  if (scope.cancelled) scope.removeAllNow()
  await writeSummary(report).catch(error =>
    runner.debug(`No step summary: ${toError(error).message}`)
  )
  return { cancelled: scope.cancelled }
}

/**
 * The runner cancels a step with SIGINT, then SIGTERM, then kills it. The first signal aborts
 * the work, which undoes itself like after any failure; if that takes too long, or a second signal
 * comes, what is left is removed at once and the process exits.
 */
function handleSignals(scope: CancelScope, failure: FailureReport): () => void {
  let deadline: NodeJS.Timeout | undefined
  const exitNow = () => {
    scope.removeAllNow()
    failure.report(scope.reason ?? new Error('The step was cancelled.'))
    process.exit()
  }
  // Signals arrive outside the run's async context; bound, the report still hides the key.
  const onSignal = bindToRun((signal: NodeJS.Signals) => {
    if (scope.cancelled) return exitNow()
    runner.info(`${signal} received: stopping, and removing what this step has begun to write.`)
    scope.cancel(signal)
    deadline = setTimeout(exitNow, CANCEL_GRACE_MS)
  })
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return () => {
    clearTimeout(deadline)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** The single place where a failure becomes the step's error, once. */
class FailureReport {
  private reported = false

  report(error: Error): void {
    if (this.reported) return
    this.reported = true
    const hint = error instanceof ActionError && error.hint ? `\n${error.hint}` : ''
    // Only in debug: reading the stack is what costs the time of mapping it to the source.
    if (runner.isDebug() && error.stack) runner.debug(redact(error.stack))
    runner.setFailed(redact(`${error.message}${hint}`))
  }
}
