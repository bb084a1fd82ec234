// Zips built to be read differently by different tools, or to unpack to far more than their size:
// refused as soon as they arrive, unpacked or not, with nothing kept.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { SEED_ITEMS, type CatalogEmulator, type ItemSeed } from '../../emulator/index.js'
import { buildNestedZip, buildSharedHeaderZip } from '../../emulator/zip-writer.js'
import {
  apiRequests,
  expectNoKeyLeak,
  TEST_KEY,
  useEmulatorSuite
} from '../helpers/emulator-fixture.js'
import { listFiles, runBundle } from '../helpers/run-bundle.js'

const SHARED_HEADER_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c21'
const NESTED_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c22'

const hostile = (id: string, name: string, content: Buffer): ItemSeed => ({
  id,
  name,
  organization: 'Demo Organization',
  type: 'dmapp',
  versions: [{ version: '1.0.0', content }]
})

const suite = useEmulatorSuite({
  items: [
    ...SEED_ITEMS,
    // 30 directory entries on one local header of 1 MiB: a few KB that naive readers unpack to 30 MiB.
    hostile(SHARED_HEADER_ID, 'Shared Header', buildSharedHeaderZip(30, 1024 * 1024)),
    hostile(NESTED_ID, 'Nested', buildNestedZip())
  ]
})
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

describe('hostile archives (process level)', () => {
  it.each([
    [
      SHARED_HEADER_ID,
      'true',
      /local header of "part-0000\.xml" disagrees .*: it names "payload\.xml"/
    ],
    [SHARED_HEADER_ID, 'false', /local header of "part-0000\.xml" disagrees/],
    [NESTED_ID, 'true', /the entries "outer\.xml" and "inner\.xml" share bytes of the archive/]
  ])(
    'refuses item %s (extract: %s) after one request, keeping nothing',
    async (id, extract, message) => {
      const dirs = suite.newDirs()
      const run = await runBundle(
        {
          'api-key': TEST_KEY,
          'catalog-id': id,
          version: '1.0.0',
          'base-url': emulator.url,
          extract
        },
        { dirs }
      )
      expect(run.code).toBe(1)
      expect(run.errors).toHaveLength(1)
      expect(run.errors[0]).toContain(`Downloading version "1.0.0" of Catalog item ${id} failed`)
      expect(run.errors[0]).toContain('The package is a malformed zip archive')
      expect(run.errors[0]).toMatch(message)
      expect(run.errors[0]).toMatch(/zip bomb/)
      expect(apiRequests(emulator)).toHaveLength(1)
      expect(listFiles(dirs.workspace)).toEqual([])
      expect(listFiles(dirs.toolCache)).toEqual([])
      expectNoKeyLeak(run)
    }
  )
})
