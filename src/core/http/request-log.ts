// What the step's requests did, for its outputs and summary: how many were sent, and each wait.

export interface WaitRecord {
  label: string
  attempt: number
  reason: string
  ms: number
}

export class RequestLog {
  private sent = 0
  readonly waits: WaitRecord[] = []

  /** HTTP requests sent by the step, redirect hops and retries included. */
  get requests(): number {
    return this.sent
  }

  recordRequest(): void {
    this.sent += 1
  }

  /** All the waiting between attempts, in ms. */
  get totalWaitedMs(): number {
    return this.waits.reduce((sum, wait) => sum + wait.ms, 0)
  }

  recordWait(record: WaitRecord): void {
    this.waits.push(record)
  }
}
