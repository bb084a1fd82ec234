// Nearline files made available before they are downloaded (only with `restore: true`): ask
// which are available, ask REGARDS to restore the others, then poll the availability route at
// growing intervals (restore-polling.ts) until all are, within restore-timeout-minutes.
import type { Clock } from '../core/http/clock.js'
import { formatDuration } from '../core/format.js'
import * as log from '../core/step/log.js'
import { RestoreForbiddenError, type RegardsClient } from './client.js'
import type { RegardsFile } from './entity.js'
import { restorePollDelay } from './restore-polling.js'

export interface RestoreOutcome {
  /** Checksums (lower case) still not available when the wait ended. */
  unavailable: Set<string>
  /** The account may not use availability and restore: downloads are tried directly. */
  forbidden: boolean
}

export class Restorer {
  /** Time spent waiting for restores, for the summary. */
  waitedMs = 0
  polls = 0
  forbidden = false
  private readonly deadline: number

  constructor(
    private readonly client: RegardsClient,
    private readonly clock: Clock,
    timeoutMs: number,
    private readonly signal: AbortSignal
  ) {
    this.deadline = clock.now() + timeoutMs
  }

  /** Makes these files available; resolves with those that are still not. */
  async makeAvailable(files: RegardsFile[]): Promise<RestoreOutcome> {
    const pending = new Set(files.map(file => file.checksum.toLowerCase()))
    const products = [...new Set(files.map(file => file.product))]
    if (this.forbidden || files.length === 0) {
      return { unavailable: new Set(), forbidden: this.forbidden }
    }
    try {
      const available = await this.client.availability(products)
      for (const checksum of pending) if (available.get(checksum)) pending.delete(checksum)
      if (pending.size === 0) return { unavailable: pending, forbidden: false }
      log.info(`Asking REGARDS to restore ${pending.size} nearline file(s).`)
      await this.client.restore(products)
      for (let attempt = 1; pending.size > 0; attempt++) {
        const delay = restorePollDelay(attempt, this.deadline - this.clock.now())
        if (delay === undefined) break
        log.info(
          `Waiting ${formatDuration(delay)} for ${pending.size} file(s) to be restored (restore-timeout-minutes).`
        )
        await this.clock.sleep(delay, this.signal)
        this.waitedMs += delay
        this.polls++
        const now = await this.client.availability(products)
        for (const checksum of [...pending]) if (now.get(checksum)) pending.delete(checksum)
      }
      return { unavailable: pending, forbidden: false }
    } catch (error) {
      if (!(error instanceof RestoreForbiddenError)) throw error
      log.warning(`${error.message} ${error.hint ?? ''}`)
      this.forbidden = true
      return { unavailable: new Set(), forbidden: true }
    }
  }
}
