/** Time as the retry loop sees it; tests pass a fake one so nothing sleeps for real. */
export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
  /** A number in [0, 1), for jitter. */
  random(): number
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
  random: () => Math.random()
}
