import { rmSync } from 'node:fs'
import { CancelledError } from './errors.js'

/**
 * What one run has begun to write (temporary files, staging folders, a file published but not yet
 * final), and the signal that cancels the run. Each piece of code that creates such a path lists
 * it here until it is final or removed; a cancelled run removes whatever is still listed, so it
 * leaves nothing half-written.
 */
export class CancelScope {
  private readonly controller = new AbortController()
  private readonly paths = new Set<string>()

  /** `owner` names the action in the temporary paths it writes (core/files/partial-path.ts). */
  constructor(readonly owner = 'action') {}

  get signal(): AbortSignal {
    return this.controller.signal
  }

  get cancelled(): boolean {
    return this.controller.signal.aborted
  }

  /** The CancelledError of a cancelled run. */
  get reason(): CancelledError | undefined {
    return this.cancelled ? (this.controller.signal.reason as CancelledError) : undefined
  }

  /** Lists a path to remove should the run be cancelled; the returned function unlists it. */
  track(path: string): () => void {
    this.paths.add(path)
    return () => {
      this.paths.delete(path)
    }
  }

  cancel(signalName: string): void {
    if (!this.cancelled) this.controller.abort(new CancelledError(signalName))
  }

  /** Throws the CancelledError once the run is cancelled. */
  throwIfCancelled(): void {
    if (this.cancelled) throw this.reason
  }

  /**
   * Removes every listed path at once, synchronously: the last thing a cancelled run does, so no
   * other code of the run can write in between.
   */
  removeAllNow(): void {
    for (const path of this.paths) {
      try {
        rmSync(path, { recursive: true, force: true })
      } catch {
        // Best effort: the process is about to exit and nothing else could remove it either.
      }
    }
    this.paths.clear()
  }
}
