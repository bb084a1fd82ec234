// Progress lines in the log of a real run: a download the emulator sends slowly (the throttle
// fault, about 11 s) logs them, a fast one does not. The bundle runs on the system clock, so this
// one test waits for real; the lines themselves are tested with a fake clock in
// __tests__/unit/core/transfer-progress.test.ts.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { SEED, type CatalogEmulator } from '../../emulator/index.js'
import { seededContent, sha256, TEST_KEY, useEmulatorSuite } from '../helpers/emulator-fixture.js'
import { runBundle } from '../helpers/run-bundle.js'

const APP_VERSION = '1.0.0.9'
const appContent = seededContent(SEED.appItemId, APP_VERSION)
// At least 110 ticks of 100 ms: the body cannot be complete before 11 s have passed, more than
// one interval.
const TICKS = 110

const suite = useEmulatorSuite()
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

function download() {
  return runBundle(
    {
      'api-key': TEST_KEY,
      'catalog-id': SEED.appItemId,
      version: APP_VERSION,
      'base-url': emulator.url,
      cache: 'false'
    },
    { dirs: suite.newDirs(), timeoutMs: 60_000 }
  )
}

const progressLines = (stdout: string) =>
  stdout.split(/\r?\n/).filter(line => line.startsWith('Received '))

describe('progress of a long download (process level)', () => {
  it('logs a progress line with the total for a slow download', async () => {
    const step = Math.max(1, Math.floor(appContent.length / TICKS))
    emulator.script({ match: 'download', type: 'throttle', bytesPerSecond: step * 10 })
    const run = await download()
    expect(run.code).toBe(0)
    expect(run.outputs.sha256).toBe(sha256(appContent))
    const lines = progressLines(run.stdout)
    // At least one (11 s or more); a loaded machine may stretch the transfer past 20 s.
    expect(lines.length).toBeGreaterThanOrEqual(1)
    for (const line of lines) {
      expect(line).toMatch(
        new RegExp(
          `^Received \\d+ B of ${appContent.length} B \\(\\d+\\.\\d %\\), \\d+ B/s(, about .+ left)?$`
        )
      )
    }
  }, 90_000)

  it('logs none for a fast download', async () => {
    const run = await download()
    expect(run.code).toBe(0)
    expect(run.outputs.sha256).toBe(sha256(appContent))
    expect(progressLines(run.stdout)).toEqual([])
  })
})
