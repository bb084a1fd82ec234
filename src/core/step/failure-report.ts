import { redact } from '../secrets.js'
import { ActionError } from './errors.js'
import * as runner from './workflow-commands.js'

/** The single place where a failure becomes the step's error, once. */
export class FailureReport {
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
