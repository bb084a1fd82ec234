// The copy into the tool cache is made while the package is unpacked, and committed only once
// everything else succeeded: a package that fails to unpack leaves no entry (nor any staging
// folder), and an entry is a copy of its own, which a change to the workspace file does not touch.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import * as core from '../../__fixtures__/core.js'
import { buildZip } from '../../emulator/zip-writer.js'

jest.unstable_mockModule('@actions/core', () => core)
const { downloadPackage } = await import('../../src/dataminer/download/download.js')
const { PackageCache } = await import('../../src/dataminer/download/package-cache.js')
const { CancelScope } = await import('../../src/core/step/cancel-scope.js')
const { UnsafeArchiveError } = await import('../../src/core/zip/errors.js')
type Client = Parameters<typeof downloadPackage>[1]

const ITEM = '4f0c9d3e-7a52-4b6e-9c1d-2e8f5a6b7c01'
const big = randomBytes(3 * 1024 * 1024)
const content = buildZip([
  { name: 'AppInfo.xml', data: '<AppInfo><Name>App</Name></AppInfo>' },
  { name: 'big.bin', data: big, store: true }
])

let root: string
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'cache-staging-'))
  core.warning.mockClear()
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

function clientServing(body: Buffer): Client {
  return {
    download: async (
      _id: string,
      _version: string,
      read: (r: IncomingMessage) => Promise<unknown>
    ) => {
      const response = Object.assign(Readable.from([body]), {
        statusCode: 200,
        headers: { 'content-length': String(body.length) }
      }) as unknown as IncomingMessage
      return { value: await read(response), status: 200, attempts: 1 }
    }
  } as unknown as Client
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => path.relative(dir, path.join(entry.parentPath, entry.name)))
}

function download(body: Buffer) {
  return downloadPackage(
    {
      catalogId: ITEM,
      version: '1.0.0.1',
      destination: path.join(root, 'out'),
      extract: true,
      timeoutMs: 5000
    },
    clientServing(body),
    new PackageCache(path.join(root, 'tool-cache')),
    new CancelScope()
  )
}

describe('the cache copy made while unpacking', () => {
  it('is committed once the package is unpacked, as a copy of its own', async () => {
    const result = await download(content)
    const cache = new PackageCache(path.join(root, 'tool-cache'))
    const hit = await cache.lookup(ITEM, '1.0.0.1')
    expect(hit?.entry.sha256).toBe(result.sha256)
    expect(readFileSync(hit?.filePath ?? '').equals(content)).toBe(true)
    expect(files(path.join(root, 'tool-cache')).map(name => path.basename(name))).toEqual(
      expect.arrayContaining(['entry.json', result.fileName])
    )
    // Independent: changing the workspace file leaves the cache entry as it was.
    writeFileSync(result.path, 'changed')
    expect(readFileSync(hit?.filePath ?? '').equals(content)).toBe(true)
    expect(core.warning).not.toHaveBeenCalled()
  })

  it('is discarded when the package fails to unpack: no entry, no staging folder', async () => {
    const damaged = Buffer.from(content)
    damaged[damaged.indexOf(big.subarray(0, 64)) + 2 * 1024 * 1024] ^= 0x01
    await expect(download(damaged)).rejects.toThrow(UnsafeArchiveError)
    await expect(download(damaged)).rejects.toThrow(/"big\.bin" in the package fails its CRC-32/)
    expect(files(path.join(root, 'tool-cache'))).toEqual([])
    expect(files(path.join(root, 'out'))).toEqual([])
  })
})
