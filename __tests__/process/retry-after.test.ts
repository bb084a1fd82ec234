// A Retry-After the step can never honour, however absurd, fails the step with the rate-limit
// message that says when to try again, not with an error about dates.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { SEED, type CatalogEmulator } from '../../emulator/index.js'
import {
  apiRequests,
  expectNoKeyLeak,
  TEST_KEY,
  useEmulatorSuite
} from '../helpers/emulator-fixture.js'
import { listFiles, runBundle } from '../helpers/run-bundle.js'

const suite = useEmulatorSuite()
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

describe('Retry-After beyond any budget (process level)', () => {
  it.each(['86400', '30000000000000', '9'.repeat(40)])(
    'Retry-After: %s fails at once with the rate-limit message',
    async retryAfter => {
      emulator.script({
        match: 'download',
        type: 'status',
        status: 429,
        headers: { 'Retry-After': retryAfter }
      })
      const run = await runBundle(
        {
          'api-key': TEST_KEY,
          'catalog-id': SEED.appItemId,
          version: '1.0.0.9',
          'base-url': emulator.url,
          cache: 'false'
        },
        { dirs: suite.newDirs() }
      )
      expect(run.code).toBe(1)
      expect(run.errors).toEqual([
        expect.stringMatching(
          /^The download request was rejected by the rate limit \(HTTP 429\) and the server asks to wait .+ \(until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\), more than the 5 min 0 s left of max-wait-seconds \(300\)\./
        )
      ])
      expect(apiRequests(emulator)).toHaveLength(1)
      expect(listFiles(run.dirs.workspace)).toEqual([])
      expectNoKeyLeak(run)
    }
  )
})
