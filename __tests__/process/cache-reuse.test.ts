// Reuse across runs on hosted runners: actions/cache saves the action's folder of the tool cache
// at the end of one job and restores it into the next job's empty tool cache. The cache layout
// is part of the public interface; an entry of another layout is ignored, never misread.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { SEED, type CatalogEmulator } from '../../emulator/index.js'
import { CACHE_FOLDER } from '../../src/dataminer/download/package-cache.js'
import {
  apiRequests,
  expectNoKeyLeak,
  TEST_KEY,
  useEmulatorSuite
} from '../helpers/emulator-fixture.js'
import { listFiles, runBundle, type RunnerDirs } from '../helpers/run-bundle.js'

const VERSION = '1.0.0.9'
const suite = useEmulatorSuite()
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

function download(dirs: RunnerDirs, inputs: Record<string, string> = {}) {
  return runBundle(
    {
      'api-key': TEST_KEY,
      'catalog-id': SEED.appItemId,
      version: VERSION,
      'base-url': emulator.url,
      ...inputs
    },
    { dirs }
  )
}

/** What actions/cache does between two jobs: the saved folder, restored into a new runner. */
function restoreInto(fresh: RunnerDirs, from: RunnerDirs): void {
  cpSync(path.join(from.toolCache, CACHE_FOLDER), path.join(fresh.toolCache, CACHE_FOLDER), {
    recursive: true
  })
}

const SAME_OUTPUTS = ['version', 'filename', 'size', 'sha256', 'package-type'] as const

describe('a tool cache restored on a fresh runner (process level)', () => {
  it('serves an exact version with no request at all, and the same outputs', async () => {
    const first = await download(suite.newDirs())
    expect(first.outputs['cache-hit']).toBe('false')
    emulator.reset()

    const fresh = suite.newDirs()
    restoreInto(fresh, first.dirs)
    const second = await download(fresh, { extract: 'true' })
    expect(second.errors).toEqual([])
    expect(emulator.requests).toHaveLength(0)
    expect(second.outputs['cache-hit']).toBe('true')
    for (const name of SAME_OUTPUTS) expect(second.outputs[name]).toBe(first.outputs[name])
    expect(second.outputs.path).toBe(path.join(fresh.workspace, first.outputs.filename))
    expect(readFileSync(second.outputs.path).equals(readFileSync(first.outputs.path))).toBe(true)
    expect(listFiles(second.outputs['extracted-path'])).toContain('AppInfo.xml')
    expectNoKeyLeak(second)
  })

  it('spends only the versions request for latest when the restored cache holds the version', async () => {
    const first = await download(suite.newDirs(), { version: 'latest' })
    emulator.reset()
    const fresh = suite.newDirs()
    restoreInto(fresh, first.dirs)
    const second = await download(fresh, { version: 'latest' })
    expect(second.outputs['cache-hit']).toBe('true')
    expect(second.outputs.version).toBe(first.outputs.version)
    expect(apiRequests(emulator).map(request => request.route)).toEqual(['versions'])
  })

  it('writes the documented layout', async () => {
    const run = await download(suite.newDirs())
    const files = listFiles(run.dirs.toolCache)
    const folder = `${CACHE_FOLDER}/layout-1/${SEED.appItemId}/${VERSION}-`
    expect(files).toHaveLength(2)
    expect(files[0]).toMatch(
      new RegExp(`^${folder}[0-9a-f]{8}/Demo Application 1\\.0\\.0\\.9\\.dmapp$`)
    )
    expect(files[1]).toMatch(new RegExp(`^${folder}[0-9a-f]{8}/entry\\.json$`))
    const entry = JSON.parse(readFileSync(path.join(run.dirs.toolCache, files[1]), 'utf8'))
    expect(entry).toEqual({
      layout: 1,
      catalogId: SEED.appItemId,
      version: VERSION,
      fileName: run.outputs.filename,
      size: Number(run.outputs.size),
      sha256: run.outputs.sha256,
      packageType: 'dmapp'
    })
  })

  it('ignores an entry of another layout, and downloads', async () => {
    const dirs = suite.newDirs()
    // Where entries lived before layouts had a number, and an entry at today's place that
    // claims another layout: each with a file that is not the package.
    const before = path.join(dirs.toolCache, CACHE_FOLDER, SEED.appItemId, `${VERSION}-00000000`)
    mkdirSync(before, { recursive: true })
    writeFileSync(
      path.join(before, 'entry.json'),
      JSON.stringify({
        catalogId: SEED.appItemId,
        version: VERSION,
        fileName: 'x.dmapp',
        size: 3,
        sha256: 'f'.repeat(64),
        packageType: 'dmapp'
      })
    )
    writeFileSync(path.join(before, 'x.dmapp'), 'old')
    const seeded = await download(suite.newDirs())
    const entryFile = listFiles(seeded.dirs.toolCache).find(name => name.endsWith('entry.json'))!
    const today = path.join(dirs.toolCache, path.dirname(entryFile))
    mkdirSync(today, { recursive: true })
    writeFileSync(
      path.join(today, 'entry.json'),
      JSON.stringify({
        layout: 2,
        catalogId: SEED.appItemId,
        version: VERSION,
        fileName: 'x.dmapp',
        size: 3,
        sha256: 'f'.repeat(64),
        packageType: 'dmapp'
      })
    )
    writeFileSync(path.join(today, 'x.dmapp'), 'new')
    emulator.reset()

    const run = await download(dirs)
    expect(run.errors).toEqual([])
    expect(run.outputs['cache-hit']).toBe('false')
    expect(apiRequests(emulator)).toHaveLength(1)
    expect(run.outputs.sha256).toBe(seeded.outputs.sha256)
    expect(readFileSync(path.join(before, 'x.dmapp'), 'utf8')).toBe('old')
  })
})
