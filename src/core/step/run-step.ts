// A step's life, whatever action it belongs to: hide the secret inputs, do the work, report a
// failure once, write the summary, and undo everything begun when the runner cancels. This module
// and what it imports statically stay small (no @actions/core, no HTTP): a step that only rejects
// an input loads nothing else. An action loads its work on demand, once its inputs are valid.
import { addSecret, withSecrets } from '../secrets.js'
import { appendStepSummary } from '../summary/step-summary.js'
import { CancelScope } from './cancel-scope.js'
import { toError } from './errors.js'
import { FailureReport } from './failure-report.js'
import { handleSignals } from './signals.js'
import * as runner from './workflow-commands.js'

/** One action's step, as the lifecycle runs it. */
export interface Step {
  /** Names the action in what it writes for itself: its temporary files (`.<name>-<uuid>.partial`). */
  name: string
  /** Inputs that hold secrets: masked and hidden from all the step writes, before anything runs. */
  secretInputs: readonly string[]
  /** The work. What it throws becomes the step's one failure, given to summary() too. */
  work(scope: CancelScope): Promise<void>
  /** The step summary (HTML), written whatever happened; `error` is the failure, if any. */
  summary(error: Error | undefined): string
}

export interface RunOutcome {
  /** The runner cancelled the step; the caller should exit at once. */
  cancelled: boolean
}

export function runStep(step: Step): Promise<RunOutcome> {
  return withSecrets([], () => {
    // Masked before anything else can print it, even an input error.
    for (const name of step.secretInputs) addSecret(runner.getInput(name))
    return lifecycle(step)
  })
}

async function lifecycle(step: Step): Promise<RunOutcome> {
  const scope = new CancelScope(step.name)
  const failure = new FailureReport()
  const stopHandlingSignals = handleSignals(scope, failure)
  let error: Error | undefined
  try {
    await step.work(scope)
  } catch (thrown) {
    error = scope.reason ?? toError(thrown)
    failure.report(error)
  } finally {
    stopHandlingSignals()
  }
  if (scope.cancelled) scope.removeAllNow()
  await appendStepSummary(() => step.summary(error)).catch(problem =>
    runner.debug(`No step summary: ${toError(problem).message}`)
  )
  return { cancelled: scope.cancelled }
}
