import { rm } from 'node:fs/promises'
import type { CancelScope } from '../step/cancel-scope.js'

/** What a run has put in place; removed again if the run fails or is cancelled. */
export class CreatedPaths {
  private readonly paths: { path: string; untrack: () => void }[] = []

  constructor(private readonly scope: CancelScope) {}

  add(target: string): void {
    this.paths.push({ path: target, untrack: this.scope.track(target) })
  }

  /** The run succeeded: what it created stays. */
  keep(): void {
    for (const { untrack } of this.paths) untrack()
    this.paths.length = 0
  }

  async removeAll(): Promise<void> {
    for (const { path: target, untrack } of this.paths.reverse()) {
      await rm(target, { recursive: true, force: true })
      untrack()
    }
    this.paths.length = 0
  }
}
