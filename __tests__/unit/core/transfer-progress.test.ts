// Progress lines of long transfers, with a fake clock: nothing sleeps.
import { describe, expect, it } from '@jest/globals'
import { FakeClock } from '../../../__fixtures__/fake-clock.js'
import {
  PROGRESS_INTERVAL_MS,
  TransferProgress
} from '../../../src/core/files/transfer-progress.js'

const MIB = 1024 * 1024

function setup(total?: number) {
  const clock = new FakeClock()
  const lines: string[] = []
  const progress = new TransferProgress({ total, clock, report: line => lines.push(line) })
  /** `seconds` pass, then a chunk of `bytes` arrives. */
  const after = async (seconds: number, bytes: number) => {
    await clock.sleep(seconds * 1000)
    progress.add(bytes)
  }
  return { lines, after }
}

describe('TransferProgress', () => {
  it('writes nothing for a transfer that ends within the first interval', async () => {
    const { lines, after } = setup(100 * MIB)
    for (let i = 0; i < 99; i++) await after(0.1, MIB)
    expect(lines).toEqual([])
  })

  it('writes the bytes, total, share, rate and time left once the interval has passed', async () => {
    const { lines, after } = setup(1000 * MIB)
    for (let second = 1; second <= 10; second++) await after(1, 10 * MIB)
    expect(lines).toEqual([
      'Received 100.0 MiB of 1000.0 MiB (10.0 %), 10.0 MiB/s, about 90 s left'
    ])
  })

  it('writes at most one line per interval, each with the rate of its own interval', async () => {
    const { lines, after } = setup(1000 * MIB)
    // 100 chunks a second for 25 s: 10 MiB/s, then 20 MiB/s from the 10th second on.
    for (let tick = 1; tick <= 2500; tick++) await after(0.01, tick <= 1000 ? 0.1 * MIB : 0.2 * MIB)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^Received 100\.0 MiB of 1000\.0 MiB \(10\.0 %\), 10\.0 MiB\/s, /)
    expect(lines[1]).toMatch(
      /^Received 300\.0 MiB of 1000\.0 MiB \(30\.0 %\), 20\.0 MiB\/s, about 35 s left$/
    )
  })

  it('counts the interval from the last line, not from the last chunk', async () => {
    const { lines, after } = setup()
    await after(PROGRESS_INTERVAL_MS / 1000 - 0.001, MIB)
    expect(lines).toEqual([])
    await after(0.001, MIB)
    await after(PROGRESS_INTERVAL_MS / 1000 - 0.001, MIB)
    expect(lines).toHaveLength(1)
    await after(0.001, MIB)
    expect(lines).toHaveLength(2)
  })

  it('says "so far" without a total, and when more arrives than announced', async () => {
    const unknown = setup()
    await unknown.after(12, 3 * MIB)
    expect(unknown.lines).toEqual(['Received 3.0 MiB so far, 256.0 KiB/s'])

    const over = setup(MIB)
    await over.after(10, 2 * MIB)
    expect(over.lines).toEqual(['Received 2.0 MiB so far, 204.8 KiB/s'])

    const invalid = setup(Number.NaN)
    await invalid.after(10, MIB)
    expect(invalid.lines).toEqual(['Received 1.0 MiB so far, 102.4 KiB/s'])
  })

  it('leaves the time out while nothing arrived in the last interval', async () => {
    const { lines, after } = setup(10 * MIB)
    await after(10, 0)
    expect(lines).toEqual(['Received 0 B of 10.0 MiB (0.0 %), 0 B/s'])
  })
})
