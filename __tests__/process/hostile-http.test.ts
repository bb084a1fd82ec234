// Answers a broken or hostile server sends that are not what they claim: not valid HTTP, not the
// encoding they are labelled with, or far more once decoded than arrived. Each is named as such,
// at once (another attempt would get the same), without advice about a proxy none is using.
import { beforeAll, describe, expect, it } from '@jest/globals'
import type { MalformedFlaw } from '../../emulator/faults.js'
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

async function download(extra: Record<string, string> = {}) {
  const dirs = suite.newDirs()
  const run = await runBundle(
    {
      'api-key': TEST_KEY,
      'catalog-id': SEED.appItemId,
      version: '1.0.0.10',
      'base-url': emulator.url,
      'max-attempts': '4',
      ...extra
    },
    { dirs }
  )
  return { run, dirs }
}

describe('answers that are not what they claim (process level)', () => {
  it.each([
    ['two-content-lengths', 'two Content-Length headers (HPE_UNEXPECTED_CONTENT_LENGTH)'],
    [
      'content-length-and-chunked',
      'both Content-Length and Transfer-Encoding (HPE_INVALID_TRANSFER_ENCODING)'
    ],
    ['folded-header', 'a header folded onto the next line (HPE_INVALID_HEADER_TOKEN)'],
    ['bad-chunk-size', 'a chunk size that is not a hexadecimal number (HPE_INVALID_CHUNK_SIZE)']
  ] as [MalformedFlaw, string][])(
    'a %s answer is named as not valid HTTP, after one attempt, without proxy advice',
    async (flaw, named) => {
      emulator.script({ match: 'download', type: 'malformed', flaw })
      const { run, dirs } = await download()
      expect(run.code).toBe(1)
      expect(run.errors).toHaveLength(1)
      expect(run.errors[0]).toContain(`failed: The server's answer was not valid HTTP: ${named}.`)
      expect(run.errors[0]).toContain('another attempt would get the same, so none was made')
      expect(run.errors[0]).not.toMatch(/proxy/i)
      expect(apiRequests(emulator)).toHaveLength(1)
      expect(listFiles(dirs.workspace)).toEqual([])
      expectNoKeyLeak(run)
    }
  )

  it.each(['gzip', 'deflate', 'br'])(
    'a package labelled Content-Encoding: %s that is not is named so, and nothing is kept',
    async encoding => {
      emulator.script({ match: 'download', type: 'mislabel', encoding })
      const { run, dirs } = await download()
      expect(run.code).toBe(1)
      expect(run.errors).toHaveLength(1)
      expect(run.errors[0]).toContain(
        `The answer is labelled Content-Encoding: ${encoding} but is not ${encoding} data`
      )
      expect(run.errors[0]).toContain('nothing was kept')
      expect(run.errors[0]).not.toMatch(/proxy|connection broke/i)
      expect(apiRequests(emulator)).toHaveLength(1)
      expect(listFiles(dirs.workspace)).toEqual([])
      expectNoKeyLeak(run)
    }
  )

  it('a gzip body that decodes to 256 MiB of spaces is refused after a bounded amount, described by its start', async () => {
    emulator.script({ match: 'download', type: 'encoded-bomb', bytes: 256 * 1024 * 1024 })
    const { run, dirs } = await download({ extract: 'true' })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    const [error] = run.errors
    expect(error).toContain('The answer labelled Content-Encoding: gzip decodes to over 100 times')
    expect(error).toContain('and it is text: "   …" (whitespace only)')
    const stoppedAt = /the action stopped after ([\d.]+) MiB and kept nothing/.exec(error)
    expect(stoppedAt).not.toBeNull()
    // The bound is 16 MiB or 100 times what arrived, whichever is more: the whole encoded body is
    // about 255 KiB, so at most about 25 MiB (and a chunk), far from the 256 MiB it would be.
    const arrived = /the ([\d.]+) KiB that arrived/.exec(error)
    expect(arrived).not.toBeNull()
    const bound = Math.max(16, (100 * Number(arrived![1])) / 1024)
    expect(Number(stoppedAt![1])).toBeGreaterThanOrEqual(16)
    expect(Number(stoppedAt![1])).toBeLessThanOrEqual(bound + 0.5)
    expect(Number(stoppedAt![1])).toBeLessThan(26)
    expect(error).toMatch(/decompression bomb/)
    expect(error).not.toMatch(/proxy/i)
    expect(apiRequests(emulator)).toHaveLength(1)
    expect(listFiles(dirs.workspace)).toEqual([])
    expect(listFiles(dirs.toolCache)).toEqual([])
    expectNoKeyLeak(run)
  })

  it('a small encoded package is still decoded and kept', async () => {
    emulator.script({ match: 'download', type: 'encode', encoding: 'gzip' })
    const { run } = await download()
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
  })
})
