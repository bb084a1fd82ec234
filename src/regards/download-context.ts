// What downloading a file needs to know, and what it tells about the file.
import type { Clock } from '../core/http/clock.js'
import type { Requester } from '../core/http/request.js'
import type { RequestLog } from '../core/http/request-log.js'
import type { StepBudget } from '../core/http/step-budget.js'
import type { CancelScope } from '../core/step/cancel-scope.js'
import type { RegardsClient } from './client.js'
import { FileError } from './errors.js'
import type { FileCache } from './file-cache.js'
import type { Limiter } from './limiter.js'
import type { Placement } from './placement.js'
import type { Restorer } from './restore.js'
import type { Verification } from './verify.js'

export interface DownloadContext {
  root: string
  tenant: string
  client: RegardsClient
  /** For URIs the token must not go to: reference files, other origins. No authorization. */
  outside: Requester
  restorer: Restorer | undefined
  acceptLicense: boolean
  cache: FileCache | undefined
  /** `path`, absolute. */
  destination: string
  scope: CancelScope
  budget: StepBudget
  /** Where the rate waits of downloads are recorded, with the requester's own. */
  requests: RequestLog
  clock: Clock
  limiter: Limiter
  timeoutMs: number
}

export interface FileResult {
  placement: Placement
  path: string
  size: number
  sha256: string
  cacheHit: boolean
  verification: Verification
  /** Download requests sent for it (0 for a cache hit). */
  attempts: number
  /** 'cache', 'in place', or 'download'. */
  source: 'cache' | 'in place' | 'download'
}

/** The account's download quota is spent: nothing more is downloaded in this step. */
export class QuotaSpentError extends FileError {}

/** Files still not available once restore-timeout-minutes is spent. */
export function notRestored(labels: string[], cause?: unknown): FileError {
  return new FileError(
    `${labels.join(', ')} still not available after restore-timeout-minutes; REGARDS has not finished restoring it.`,
    'Raise restore-timeout-minutes, or run the step again later: the restore goes on on the server.',
    { cause }
  )
}
