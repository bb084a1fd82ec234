// The wait budget (`max-wait-seconds`) is shared by every request of the step, and so are the
// figures the summary reports.

export interface WaitRecord {
  label: string
  attempt: number
  reason: string
  ms: number
}

export class StepBudget {
  private waitedMs = 0
  private requestsSent = 0
  readonly waits: WaitRecord[] = []

  constructor(readonly maxWaitMs: number) {}

  get remainingMs(): number {
    return Math.max(0, this.maxWaitMs - this.waitedMs)
  }

  get totalWaitedMs(): number {
    return this.waitedMs
  }

  /** HTTP requests sent by the step, redirect hops and retries included. */
  get requests(): number {
    return this.requestsSent
  }

  fits(ms: number): boolean {
    return ms <= this.remainingMs
  }

  recordWait(record: WaitRecord): void {
    this.waitedMs += record.ms
    this.waits.push(record)
  }

  recordRequest(): void {
    this.requestsSent += 1
  }
}
