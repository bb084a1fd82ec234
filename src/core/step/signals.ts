import { bindToRun } from '../secrets.js'
import type { CancelScope } from './cancel-scope.js'
import { CancelledError } from './errors.js'
import type { FailureReport } from './failure-report.js'
import * as runner from './workflow-commands.js'

/** How long a cancelled step may take to undo its work before it removes what is left at once. */
const CANCEL_GRACE_MS = 3000

/**
 * The runner cancels a step with SIGINT, then SIGTERM, then kills it. The first signal aborts
 * the work, which undoes itself like after any failure; if that takes too long, or a second signal
 * comes, what is left is removed at once and the process exits. Returns what stops listening.
 */
export function handleSignals(scope: CancelScope, failure: FailureReport): () => void {
  let deadline: NodeJS.Timeout | undefined
  const exitNow = (signal: string) => {
    scope.removeAllNow()
    failure.report(scope.reason ?? new CancelledError(signal))
    process.exit()
  }
  // Signals arrive outside the run's async context; bound, the report still hides the secrets.
  const onSignal = bindToRun((signal: NodeJS.Signals) => {
    if (scope.cancelled) return exitNow(signal)
    runner.info(`${signal} received: stopping, and removing what this step has begun to write.`)
    scope.cancel(signal)
    deadline = setTimeout(() => exitNow(signal), CANCEL_GRACE_MS)
  })
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return () => {
    clearTimeout(deadline)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
