import type { RequestLog } from '../core/http/request-log.js'
import type { FileProblem } from './download-all.js'
import type { FileResult } from './download.js'
import type { RegardsProduct } from './entity.js'
import type { Restorer } from './restore.js'

/** What the step did, gathered as it goes, so that outputs and summary are written whatever happens. */
export interface StepReport {
  url?: string
  tenant?: string
  access?: string
  destination?: string
  products?: RegardsProduct[]
  selected?: number
  results?: FileResult[]
  problems?: FileProblem[]
  requests?: RequestLog
  restorer?: Restorer
}
