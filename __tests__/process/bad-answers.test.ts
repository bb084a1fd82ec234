// Only a complete package is accepted or kept: a 200 whose body is a readable zip, decoded when a
// server encodes it anyway. Everything else fails with what arrived, and leaves nothing behind.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as zlib from 'node:zlib'
import { buildZip } from '../../emulator/zip-writer.js'
import {
  SEED,
  SEED_ITEMS,
  type CatalogEmulator,
  type Fault,
  type ItemSeed
} from '../../emulator/index.js'
import {
  apiRequests,
  expectNoKeyLeak,
  sha256,
  TEST_KEY,
  useEmulatorSuite,
  seededContent
} from '../helpers/emulator-fixture.js'
import { listFiles, runBundle } from '../helpers/run-bundle.js'

const VERSION = '1.0.0.9'
const content = seededContent(SEED.appItemId, VERSION)
const CORRUPT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c11'

/** A package whose directory reads fine but whose second entry's stored data was altered. */
function corruptPackage(): Buffer {
  const zip = buildZip([
    { name: 'AppInfo.xml', data: '<AppInfo/>', store: true },
    { name: 'Scripts/Install.xml', data: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', store: true }
  ])
  const at = zip.indexOf('AAAAAAAA')
  zip[at + 3] = 'B'.charCodeAt(0)
  return zip
}

const items: ItemSeed[] = [
  ...SEED_ITEMS,
  {
    id: CORRUPT_ID,
    name: 'Corrupt',
    organization: 'Demo Organization',
    type: 'dmapp',
    versions: [{ version: '1.0.0', content: corruptPackage() }]
  }
]

const suite = useEmulatorSuite({ items })
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

function download(inputs: Record<string, string> = {}) {
  return runBundle(
    {
      'api-key': TEST_KEY,
      'catalog-id': SEED.appItemId,
      version: VERSION,
      'base-url': emulator.url,
      ...inputs
    },
    { dirs: suite.newDirs() }
  )
}

const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>Proxy Authentication Required</title><style>h1{}</style></head>' +
  '<body><h1>Access denied</h1><p>Please sign in.</p></body></html>'

describe('answers that are not a package (process level)', () => {
  it.each<[string, Fault, RegExp]>([
    ['an empty 200', { type: 'status', status: 200, body: '' }, /answered 200 with an empty body/],
    [
      'a 204',
      { type: 'status', status: 204, body: '' },
      /answered HTTP 204 No Content instead of 200/
    ],
    [
      'a 206 nobody asked for',
      { type: 'partial-content' },
      /answered HTTP 206 Partial Content \(Content-Range: bytes 0-\d+\/\d+\) instead of 200/
    ],
    [
      'an HTML page from a proxy',
      { type: 'status', status: 200, body: HTML_PAGE, headers: { 'Content-Type': 'text/html' } },
      /not with a package: it sent an HTML page: "Proxy Authentication Required: Access denied"/
    ],
    [
      'a JSON document',
      {
        type: 'status',
        status: 200,
        body: '{"message":"Use the portal"}',
        headers: { 'Content-Type': 'application/json' }
      },
      /it sent JSON: "Use the portal"/
    ],
    [
      'a truncated zip',
      { type: 'truncate' },
      /start like a zip archive but are not a readable zip archive/
    ],
    [
      'an encoding it cannot undo',
      { type: 'encode', encoding: 'compress' },
      /Content-Encoding "compress"/
    ]
  ])(
    'fails on %s after one request, leaving nothing in path or the cache',
    async (_name, fault, message) => {
      emulator.script({ match: 'download', ...fault })
      const run = await download()
      expect(run.code).toBe(1)
      expect(run.errors).toHaveLength(1)
      expect(run.errors[0]).toMatch(message)
      expect(run.errors[0]).toContain(
        `Downloading version "${VERSION}" of Catalog item ${SEED.appItemId} failed`
      )
      expect(run.errors[0]).not.toMatch(/\.partial|<html|<h1/i)
      expect(apiRequests(emulator)).toHaveLength(1)
      expect(listFiles(run.dirs.workspace)).toEqual([])
      expect(listFiles(run.dirs.toolCache)).toEqual([])
      expectNoKeyLeak(run)
    }
  )

  it('fails on a package whose data fails its CRC when unpacking, and keeps neither file nor folder', async () => {
    const run = await download({ 'catalog-id': CORRUPT_ID, version: '1.0.0', extract: 'true' })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(
      `The package "Corrupt 1.0.0.dmapp" (item ${CORRUPT_ID}, version 1.0.0) could not be unpacked`
    )
    expect(run.errors[0]).toMatch(/"Scripts\/Install.xml" in the package fails its CRC-32 check/)
    expect(run.errors[0]).not.toMatch(/\.partial/)
    expect(listFiles(run.dirs.workspace)).toEqual([])
    expect(listFiles(run.dirs.toolCache)).toEqual([])
  })
})

// The bundle runs on the Node running the tests. zstd is in node:zlib from Node 22.15 and 24 (the
// action's runtime); on an older Node the action must refuse it clearly and leave nothing.
const runtimeHasZstd = typeof (zlib as Partial<typeof zlib>).createZstdDecompress === 'function'

describe('encoded answers (process level)', () => {
  it.each(['gzip', 'br', 'deflate', 'deflate-raw', ...(runtimeHasZstd ? ['zstd'] : [])])(
    'decodes a body sent with %s before hashing and saving it',
    async encoding => {
      emulator.script({ match: 'download', type: 'encode', encoding })
      const run = await download({ cache: 'false' })
      expect(run.errors).toEqual([])
      expect(run.outputs.sha256).toBe(sha256(content))
      expect(run.outputs.size).toBe(String(content.length))
      expect(readFileSync(run.outputs.path).equals(content)).toBe(true)
    }
  )

  if (!runtimeHasZstd) {
    it(`fails on a body sent with zstd, which Node ${process.versions.node} cannot decode, leaving nothing`, async () => {
      emulator.script({ match: 'download', type: 'encode', encoding: 'zstd' })
      const run = await download()
      expect(run.code).toBe(1)
      expect(run.errors).toHaveLength(1)
      expect(run.errors[0]).toContain('Content-Encoding "zstd", which the action cannot decode')
      expect(run.errors[0]).toContain(
        `Downloading version "${VERSION}" of Catalog item ${SEED.appItemId} failed`
      )
      expect(apiRequests(emulator)).toHaveLength(1)
      expect(listFiles(run.dirs.workspace)).toEqual([])
      expect(listFiles(run.dirs.toolCache)).toEqual([])
      expectNoKeyLeak(run)
    })
  }

  it('asks for an unencoded answer on every request', async () => {
    const dirs = suite.newDirs()
    const inputs = { 'api-key': TEST_KEY, 'catalog-id': SEED.appItemId, 'base-url': emulator.url }
    await runBundle({ ...inputs, version: 'latest-prerelease' }, { dirs })
    await runBundle({ ...inputs, version: VERSION, 'coordination-id': SEED.systemIds[0] }, { dirs })
    const routes = apiRequests(emulator).map(request => request.route)
    expect(routes).toEqual(['versions', 'download', 'deploy'])
    for (const request of apiRequests(emulator))
      expect(request.headers['accept-encoding']).toBe('identity')
  })
})
