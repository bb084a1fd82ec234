// Before unpacking, the space a package's entries declare is compared with what the disk has
// free (statfs): a package that cannot fit fails at once, with both figures, and nothing is kept.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { statfsSync } from 'node:fs'
import { SEED_ITEMS, type CatalogEmulator } from '../../emulator/index.js'
import { buildDeclaredSizeZip } from '../../emulator/zip-writer.js'
import {
  apiRequests,
  expectNoKeyLeak,
  TEST_KEY,
  useEmulatorSuite
} from '../helpers/emulator-fixture.js'
import { listFiles, runBundle } from '../helpers/run-bundle.js'

const HUGE_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c31'
const TIB = 2 ** 40

const suite = useEmulatorSuite({
  items: [
    ...SEED_ITEMS,
    {
      id: HUGE_ID,
      name: 'Declares A Tebibyte',
      organization: 'Demo Organization',
      type: 'dmapp',
      versions: [{ version: '1.0.0', content: buildDeclaredSizeZip(TIB) }]
    }
  ]
})
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

const inputs = (extract: string) => ({
  'api-key': TEST_KEY,
  'catalog-id': HUGE_ID,
  version: '1.0.0',
  'base-url': emulator.url,
  extract
})

describe('the space a package needs (process level)', () => {
  it('the zip checks let a package that declares 1 TiB through: without extract it is saved', async () => {
    const dirs = suite.newDirs()
    const run = await runBundle(inputs('false'), { dirs })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(listFiles(dirs.workspace)).toHaveLength(1)
  })

  it('unpacking it fails before anything is written, naming what it needs and what is free', async () => {
    const dirs = suite.newDirs()
    const run = await runBundle(inputs('true'), { dirs })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    const [error] = run.errors
    expect(error).toContain(
      `Unpacking the package "Declares A Tebibyte 1.0.0.zip" (item ${HUGE_ID}, version 1.0.0) needs 1024.0 GiB in ${dirs.workspace} (the files its entries declare)`
    )
    // The figure is the file system's own (statfs), as this test reads it.
    const free = /but only ([\d.]+) GiB is free on that disk\. Nothing was unpacked or kept\./.exec(
      error
    )
    expect(free).not.toBeNull()
    const { bavail, bsize } = statfsSync(dirs.workspace)
    expect(Math.abs(Number(free![1]) - (bavail * bsize) / 2 ** 30)).toBeLessThan(1)
    // The tool cache is on the same disk here: its copy of the package is counted with the rest.
    expect(error).toContain("(the package's copy in the tool cache)")
    expect(apiRequests(emulator)).toHaveLength(1)
    expect(listFiles(dirs.workspace)).toEqual([])
    expect(listFiles(dirs.toolCache)).toEqual([])
    expectNoKeyLeak(run)
  })
})
