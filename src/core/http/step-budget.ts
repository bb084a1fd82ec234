// The step's wait budget (`max-wait-seconds`): shared by every request of the step, so that all
// the waiting between attempts, whatever request it is for, stays within it.

export class StepBudget {
  private waitedMs = 0

  constructor(readonly maxWaitMs: number) {}

  get remainingMs(): number {
    return Math.max(0, this.maxWaitMs - this.waitedMs)
  }

  get totalWaitedMs(): number {
    return this.waitedMs
  }

  fits(ms: number): boolean {
    return ms <= this.remainingMs
  }

  spend(ms: number): void {
    this.waitedMs += ms
  }
}
