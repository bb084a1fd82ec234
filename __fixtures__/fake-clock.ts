import type { Clock } from '../src/core/http/clock.js'

/** A clock whose sleep returns at once and moves time forward; it records every sleep. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = []

  constructor(
    private current = Date.parse('2026-11-23T10:00:00Z'),
    private readonly randomValue = 0.5
  ) {}

  now(): number {
    return this.current
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason
    this.sleeps.push(ms)
    this.current += ms
  }

  random(): number {
    return this.randomValue
  }
}
