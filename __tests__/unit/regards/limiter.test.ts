import { describe, expect, it } from '@jest/globals'
import { Limiter } from '../../../src/regards/limiter.js'

describe('Limiter', () => {
  it('runs at most its limit at once, fewer after fewer(), never below one', async () => {
    const limiter = new Limiter(2)
    let running = 0
    let most = 0
    const releases: (() => void)[] = []
    const job = () =>
      limiter.run(async () => {
        running++
        most = Math.max(most, running)
        await new Promise<void>(resolve => releases.push(resolve))
        running--
      })
    const all = [job(), job(), job(), job()]
    await new Promise(resolve => setImmediate(resolve))
    expect(running).toBe(2)
    limiter.fewer()
    limiter.fewer()
    expect(limiter.current).toBe(1)
    releases.shift()!()
    releases.shift()!()
    await new Promise(resolve => setImmediate(resolve))
    expect(running).toBe(1)
    while (releases.length) {
      releases.shift()!()
      await new Promise(resolve => setImmediate(resolve))
    }
    await Promise.all(all)
    expect(most).toBe(2)
  })
})
