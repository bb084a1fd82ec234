import type { RunOutcome } from './run-step.js'

/** How an action's entry ends once its step has run. */
export function exitWhenDone({ cancelled }: RunOutcome): void {
  if (cancelled) process.exit()
  // A server that stalls can leave a socket open after the step is done; it must not hold the job.
  setTimeout(() => process.exit(), 2000).unref()
}
