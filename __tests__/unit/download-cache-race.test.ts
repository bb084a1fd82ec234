// A cache entry another run replaces while this one reads it (its file gone between the lookup
// and the copy) is a miss: the package is downloaded, and the other run's entry is left alone.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import * as core from '../../__fixtures__/core.js'
import { buildAppPackage } from '../../emulator/index.js'

jest.unstable_mockModule('@actions/core', () => core)
const { downloadPackage } = await import('../../src/dataminer/download/download.js')
const { CancelScope } = await import('../../src/core/step/cancel-scope.js')
type Client = Parameters<typeof downloadPackage>[1]
type Cache = NonNullable<Parameters<typeof downloadPackage>[2]>

const ITEM = '4f0c9d3e-7a52-4b6e-9c1d-2e8f5a6b7c01'
const content = buildAppPackage('App', '1.0.0.1')
let root: string
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'cache-race-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

/** A client whose download answers 200 with the package. */
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

describe('a cache entry that vanishes while it is read', () => {
  it('is a miss: the package is downloaded and the entry not evicted', async () => {
    const evict = jest.fn(async () => undefined)
    const store = jest.fn(async () => true)
    const cache = {
      lookup: async () => ({
        entry: {
          catalogId: ITEM,
          version: '1.0.0.1',
          fileName: 'App.dmapp',
          size: 3,
          sha256: 'x',
          packageType: 'dmapp'
        },
        filePath: path.join(root, 'replaced-meanwhile', 'App.dmapp')
      }),
      evict,
      store
    } as unknown as Cache
    const result = await downloadPackage(
      {
        catalogId: ITEM,
        version: '1.0.0.1',
        destination: path.join(root, 'out'),
        extract: false,
        timeoutMs: 5000
      },
      clientServing(content),
      cache,
      new CancelScope()
    )
    expect(result.cacheHit).toBe(false)
    expect(readFileSync(result.path).equals(content)).toBe(true)
    expect(evict).not.toHaveBeenCalled()
    expect(core.warning.mock.calls[0]?.[0]).toMatch(
      /cached copy of this version cannot be used \(ENOENT/
    )
  })
})
