// What every requester of a step shares, from the three inputs both actions have: max-attempts,
// max-wait-seconds (one wait budget for the step) and timeout-seconds; and one log of the step's
// requests and waits, for its outputs and summary.
import type { CancelScope } from '../step/cancel-scope.js'
import type { Clock } from './clock.js'
import type { SharedRequesterOptions } from './request.js'
import { RequestLog } from './request-log.js'
import { StepBudget } from './step-budget.js'
import type { Transport } from './transport.js'

export interface RequestLimits {
  maxAttempts: number
  maxWaitSeconds: number
  timeoutSeconds: number
}

export function stepRequesterOptions(
  limits: RequestLimits,
  scope: CancelScope,
  dependencies: { clock?: Clock; transport?: Transport } = {}
): SharedRequesterOptions & { log: RequestLog } {
  return {
    maxAttempts: limits.maxAttempts,
    timeoutMs: limits.timeoutSeconds * 1000,
    budget: new StepBudget(limits.maxWaitSeconds * 1000),
    log: new RequestLog(),
    signal: scope.signal,
    ...dependencies
  }
}
