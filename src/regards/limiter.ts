// How many downloads run at once: `concurrency`, lowered (never below one) each time REGARDS says
// the account's download rate is exceeded.
export class Limiter {
  private running = 0
  private readonly waiting: (() => void)[] = []

  constructor(private limit: number) {}

  get current(): number {
    return this.limit
  }

  /** One download fewer at once from now on. */
  fewer(): void {
    this.limit = Math.max(1, this.limit - 1)
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    while (this.running >= this.limit)
      await new Promise<void>(resolve => this.waiting.push(resolve))
    this.running++
    try {
      return await work()
    } finally {
      this.running--
      this.waiting.shift()?.()
    }
  }
}
