// latest / latest-prerelease, the tool cache and unpacking, through the bundle of src/.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { buildZip } from '../../emulator/zip-writer.js'
import { SEED, SEED_ITEMS, type CatalogEmulator, type ItemSeed } from '../../emulator/index.js'
import {
  apiRequests,
  expectNoKeyLeak,
  sha256,
  startTestEmulator,
  useEmulatorSuite,
  TEST_KEY
} from '../helpers/emulator-fixture.js'
import { listFiles, runBundle } from '../helpers/run-bundle.js'

const ORG = 'Demo Organization'
const SHAPED_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c01'
const GARBAGE_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c02'
const SLIP_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c03'
const pkg = (name: string) =>
  buildZip([{ name: 'AppInfo.xml', data: `<AppInfo>${name}</AppInfo>` }])

const items: ItemSeed[] = [
  ...SEED_ITEMS,
  {
    id: SHAPED_ID,
    name: 'Shaped',
    organization: ORG,
    type: 'dmapp',
    versionsShape: 'strings',
    versions: ['1.9.3', '1.10.0-rc1', '1.10.0', '1.2.0', '2.0.0-beta2', '2.0.0-beta10'].map(
      version => ({
        version,
        content: pkg(version)
      })
    )
  },
  {
    id: GARBAGE_ID,
    name: 'Garbage',
    organization: ORG,
    type: 'dmapp',
    versionsShape: 'garbage',
    versions: [{ version: '1.0.0', content: pkg('g') }]
  },
  {
    id: SLIP_ID,
    name: 'Slip',
    organization: ORG,
    type: 'dmapp',
    versions: [
      {
        version: '1.0.0',
        content: buildZip([
          { name: 'AppInfo.xml', data: '<AppInfo/>' },
          { name: '../../escaped.txt', data: 'gotcha' }
        ])
      }
    ]
  }
]

const suite = useEmulatorSuite({ items })
const newDirs = suite.newDirs
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

function download(inputs: Record<string, string>, dirs = newDirs()) {
  return runBundle(
    { 'api-key': TEST_KEY, 'base-url': emulator.url, 'catalog-id': SEED.appItemId, ...inputs },
    { dirs }
  )
}

describe('latest and latest-prerelease (process level)', () => {
  it('resolves latest to the highest release of versions listed out of order (objects shape)', async () => {
    // 2.0.0-CU1, a cumulative update, is a release; 1.0.1-beta1 is not.
    const run = await download({ version: 'latest', cache: 'false' })
    expect(run.code).toBe(0)
    expect(run.outputs.version).toBe('2.0.0-CU1')
    expect(apiRequests(emulator).map(r => r.route)).toEqual(['versions', 'download'])
    expect(apiRequests(emulator)[1].path).toContain('/versions/2.0.0-CU1/download')
    expect(run.summary).toContain('resolved from latest')
    expectNoKeyLeak(run)
  })

  it('resolves latest-prerelease to the highest version of all', async () => {
    const run = await download({
      'catalog-id': SEED.protocolItemId,
      version: 'latest-prerelease',
      cache: 'false'
    })
    expect(run.code).toBe(0)
    expect(run.outputs.version).toBe('1.1.0.1-alpha1')
    const latest = await download({ 'catalog-id': SEED.protocolItemId, version: 'latest' })
    expect(latest.outputs.version).toBe('1.0.1.0')
  })

  it('orders numerically part by part with a plain array of strings', async () => {
    const latest = await download({ 'catalog-id': SHAPED_ID, version: 'latest', cache: 'false' })
    expect(latest.outputs.version).toBe('1.10.0')
    const pre = await download({
      'catalog-id': SHAPED_ID,
      version: 'latest-prerelease',
      cache: 'false'
    })
    expect(pre.outputs.version).toBe('2.0.0-beta10')
  })

  it('fails on an unreadable versions answer, showing its start, without downloading', async () => {
    const run = await download({ 'catalog-id': GARBAGE_ID, version: 'latest' })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(
      'It starts with: an HTML page: "Sign in: Please sign in to continue"'
    )
    expect(run.errors[0]).not.toMatch(/<html/i)
    expect(apiRequests(emulator).map(r => r.route)).toEqual(['versions'])
  })

  it('names the Read Catalog items permission when the key lacks it', async () => {
    const run = await runBundle(
      {
        'api-key': 'demo-download-key',
        'base-url': emulator.url,
        'catalog-id': SEED.appItemId,
        version: 'latest'
      },
      { dirs: newDirs() }
    )
    expect(run.code).toBe(1)
    expect(run.errors[0]).toContain('lacks the "Read Catalog items" permission')
  })
})

describe('tool cache (process level)', () => {
  it('serves a second run from the cache with no request at all', async () => {
    const dirs = newDirs()
    const first = await download({ version: '1.0.0.9' }, dirs)
    expect(first.code).toBe(0)
    expect(first.outputs['cache-hit']).toBe('false')
    expect(apiRequests(emulator)).toHaveLength(1)
    emulator.reset()

    const second = await download({ version: '1.0.0.9', path: 'again' }, dirs)
    expect(second.code).toBe(0)
    expect(emulator.requests).toHaveLength(0)
    expect(second.outputs['cache-hit']).toBe('true')
    for (const name of ['version', 'filename', 'size', 'sha256', 'package-type']) {
      expect(second.outputs[name]).toBe(first.outputs[name])
    }
    expect(second.outputs.path).toBe(path.join(dirs.workspace, 'again', first.outputs.filename))
    expect(readFileSync(second.outputs.path).equals(readFileSync(first.outputs.path))).toBe(true)
    expect(second.outputs.attempts).toBe('0')
    expect(second.summary).toContain('tool cache')
    expectNoKeyLeak(second)
  })

  it('spends only the versions request for latest when the resolved version is cached', async () => {
    const dirs = newDirs()
    await download({ version: '2.0.0-CU1' }, dirs)
    emulator.reset()
    const run = await download({ version: 'latest' }, dirs)
    expect(run.outputs['cache-hit']).toBe('true')
    expect(apiRequests(emulator).map(r => r.route)).toEqual(['versions'])
  })

  it('downloads again, with a warning, when the cached copy is damaged', async () => {
    const dirs = newDirs()
    const first = await download({ version: '1.0.0.9' }, dirs)
    const cached = listFiles(dirs.toolCache).find(f => f.endsWith('.dmapp'))!
    const cachedPath = path.join(dirs.toolCache, cached)
    const bytes = readFileSync(cachedPath)
    bytes[bytes.length - 30] ^= 0xff
    writeFileSync(cachedPath, bytes)
    emulator.reset()

    const run = await download({ version: '1.0.0.9', path: 'again' }, dirs)
    expect(run.code).toBe(0)
    expect(run.outputs['cache-hit']).toBe('false')
    expect(run.stdout).toMatch(/::warning::The cached copy of this version is damaged/)
    expect(apiRequests(emulator)).toHaveLength(1)
    expect(run.outputs.sha256).toBe(first.outputs.sha256)
    expect(readFileSync(cachedPath).equals(readFileSync(first.outputs.path))).toBe(true)
  })

  it('downloads again with cache off and leaves the tool cache empty', async () => {
    const dirs = newDirs()
    await download({ version: '1.0.0.9', cache: 'false' }, dirs)
    const run = await download({ version: '1.0.0.9', cache: 'false' }, dirs)
    expect(run.outputs['cache-hit']).toBe('false')
    expect(apiRequests(emulator)).toHaveLength(2)
    expect(listFiles(dirs.toolCache)).toEqual([])
  })

  it('leaves neither file nor cache entry behind on a mismatching expected-sha256', async () => {
    const dirs = newDirs()
    const run = await download({ version: '1.0.0.9', 'expected-sha256': 'b'.repeat(64) }, dirs)
    expect(run.code).toBe(1)
    expect(listFiles(dirs.workspace)).toEqual([])
    expect(listFiles(dirs.toolCache)).toEqual([])
  })
})

describe('extract (process level)', () => {
  it('unpacks the package into a folder beside the file', async () => {
    const run = await download({ version: '1.0.0.9', extract: 'true', path: 'pkg' })
    expect(run.code).toBe(0)
    const folder = run.outputs['extracted-path']
    expect(folder).toBe(
      path.join(run.dirs.workspace, 'pkg', run.outputs.filename.replace(/\.dmapp$/, ''))
    )
    expect(listFiles(folder)).toEqual([
      'AppInfo.xml',
      'AppInstallContent/Scripts/Install.xml',
      'Description.txt'
    ])
    expect(readFileSync(path.join(folder, 'Description.txt'), 'utf8')).toContain('1.0.0.9')
    const unpackedBytes = listFiles(folder).reduce(
      (sum, name) => sum + readFileSync(path.join(folder, name)).length,
      0
    )
    expect(run.stdout).toContain(`Unpacked 3 file(s), ${unpackedBytes} B, into ${folder}.`)
    expectNoKeyLeak(run)
  })

  it('unpacks a cached package too', async () => {
    const dirs = newDirs()
    await download({ version: '1.0.0.9' }, dirs)
    const run = await download({ version: '1.0.0.9', extract: 'true', path: 'second' }, dirs)
    expect(run.outputs['cache-hit']).toBe('true')
    expect(existsSync(path.join(run.outputs['extracted-path'], 'AppInfo.xml'))).toBe(true)
  })

  it('refuses a zip-slip package before writing anything', async () => {
    const dirs = newDirs()
    const run = await download({ 'catalog-id': SLIP_ID, version: '1.0.0', extract: 'true' }, dirs)
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('../../escaped.txt')
    expect(listFiles(dirs.root).filter(f => f.includes('escaped'))).toEqual([])
    expect(listFiles(dirs.workspace)).toEqual([])
    expect(listFiles(dirs.toolCache)).toEqual([])
  })

  it('accepts a matching expected-sha256 on a cache hit', async () => {
    const content = SEED_ITEMS[0].versions.find(v => v.version === '1.0.0.1')!.content
    const dirs = newDirs()
    await download({ version: '1.0.0.1' }, dirs)
    const run = await download({ version: '1.0.0.1', 'expected-sha256': sha256(content) }, dirs)
    expect(run.code).toBe(0)
    expect(run.outputs['cache-hit']).toBe('true')
    expect(run.outputs.sha256).toBe(sha256(content))
  })
})

describe('rate limit of the emulator (process level)', () => {
  it('rides out a real token bucket: latest spends the only token, the download waits for the next', async () => {
    const limited = await startTestEmulator({ rateLimit: { burst: 1, refillSeconds: 2 } })
    try {
      const run = await runBundle(
        {
          'api-key': TEST_KEY,
          'base-url': limited.url,
          'catalog-id': SEED.appItemId,
          version: 'latest',
          cache: 'false'
        },
        { dirs: newDirs() }
      )
      expect(run.code).toBe(0)
      expect(limited.requests.map(r => [r.path.split('/').pop(), r.status])).toEqual([
        ['versions', 200],
        ['download', 429],
        ['download', 200]
      ])
      expect(Number(run.outputs['waited-seconds'])).toBeGreaterThanOrEqual(1)
    } finally {
      await limited.close()
    }
  })
})
