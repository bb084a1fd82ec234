// The bundle of the current src/, run as the runner runs it, downloading from the emulator.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { SEED, type CatalogEmulator } from '../../emulator/index.js'
import {
  apiRequests,
  DEPLOY_ONLY_KEY,
  expectNoKeyLeak,
  sha256,
  startTestEmulator,
  useEmulatorSuite,
  TEST_KEY,
  UNKNOWN_KEY,
  seededContent
} from '../helpers/emulator-fixture.js'
import { listFiles, runBundle } from '../helpers/run-bundle.js'

const APP_VERSION = '1.0.0.9'
const appContent = seededContent(SEED.appItemId, APP_VERSION)

const suite = useEmulatorSuite()
const newDirs = suite.newDirs
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

function download(inputs: Record<string, string> = {}, env?: Record<string, string>) {
  const dirs = newDirs()
  return runBundle(
    {
      'api-key': TEST_KEY,
      'catalog-id': SEED.appItemId,
      version: APP_VERSION,
      'base-url': emulator.url,
      cache: 'false',
      ...inputs
    },
    { dirs, env }
  )
}

describe('download (process level)', () => {
  it('downloads a version into the workspace with every output and a summary', async () => {
    const run = await download()
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    const file = path.join(run.dirs.workspace, run.outputs.filename)
    expect(run.outputs).toMatchObject({
      version: APP_VERSION,
      path: file,
      size: String(appContent.length),
      sha256: sha256(appContent),
      'package-type': 'dmapp',
      'cache-hit': 'false',
      attempts: '1',
      'waited-seconds': '0'
    })
    expect(run.outputs.filename).toMatch(/\.dmapp$/)
    expect(readFileSync(file).equals(appContent)).toBe(true)
    expect(listFiles(run.dirs.workspace)).toEqual([run.outputs.filename])
    expect(apiRequests(emulator)).toHaveLength(1)
    expect(apiRequests(emulator)[0]).toMatchObject({
      method: 'GET',
      path: `/api/key-catalog/v2-0/${SEED.appItemId}/versions/${APP_VERSION}/download`
    })
    for (const expected of [
      SEED.appItemId,
      APP_VERSION,
      run.outputs.filename,
      sha256(appContent),
      'dmapp'
    ]) {
      expect(run.summary).toContain(expected)
    }
    expectNoKeyLeak(run)
  })

  it('detects a .dmprotocol package and honours a relative path', async () => {
    const run = await download({
      'catalog-id': SEED.protocolItemId,
      version: '1.0.0.12',
      path: 'out/packages'
    })
    expect(run.code).toBe(0)
    expect(run.outputs['package-type']).toBe('dmprotocol')
    expect(run.outputs.path).toBe(
      path.join(run.dirs.workspace, 'out', 'packages', run.outputs.filename)
    )
    expect(existsSync(run.outputs.path)).toBe(true)
    expectNoKeyLeak(run)
  })

  it('rides out a 429 with Retry-After in seconds', async () => {
    emulator.script({
      type: 'status',
      status: 429,
      headers: { 'Retry-After': '1' },
      body: '{"statusCode":429}'
    })
    const run = await download()
    expect(run.code).toBe(0)
    expect(apiRequests(emulator).map(r => r.status)).toEqual([429, 200])
    expect(run.stdout).toMatch(/attempt 1 of 5 was rejected by the rate limit \(HTTP 429/)
    expect(run.stdout).toMatch(/Waiting 1 s \(as the server asked with Retry-After\)/)
    expect(run.outputs.attempts).toBe('2')
    expect(run.outputs['waited-seconds']).toBe('1')
    expect(run.summary).toMatch(/Waits \(1\)/)
    expectNoKeyLeak(run)
  })

  it('rides out a 429 with Retry-After as an HTTP-date', async () => {
    const at = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000).toUTCString()
    emulator.script({ type: 'status', status: 429, headers: { 'Retry-After': at } })
    const run = await download()
    expect(run.code).toBe(0)
    expect(apiRequests(emulator).map(r => r.status)).toEqual([429, 200])
    expect(run.stdout).toMatch(/as the server asked with Retry-After/)
    expectNoKeyLeak(run)
  })

  it("waits as a gateway's 503 body says when there is no Retry-After", async () => {
    emulator.script({
      type: 'status',
      status: 503,
      body: 'Rate limit is exceeded. Try again in 1 seconds.'
    })
    const run = await download()
    expect(run.code).toBe(0)
    expect(apiRequests(emulator).map(r => r.status)).toEqual([503, 200])
    expect(run.stdout).toMatch(/Waiting 1 s \(as the server's answer said\)/)
    expectNoKeyLeak(run)
  })

  it('backs off from about 1 s on a server fault without Retry-After', async () => {
    emulator.script({ type: 'status', status: 502 })
    const run = await download()
    expect(run.code).toBe(0)
    expect(apiRequests(emulator).map(r => r.status)).toEqual([502, 200])
    expect(run.stdout).toMatch(/failed with HTTP 502 Bad Gateway\. Waiting \d\.\d s \(backoff\)/)
    expectNoKeyLeak(run)
  })

  it('fails at once when the asked wait does not fit max-wait-seconds, saying when to retry', async () => {
    emulator.script({ type: 'status', status: 429, headers: { 'Retry-After': '3600' } })
    const run = await download({ 'max-wait-seconds': '10' })
    expect(run.outputs['waited-seconds']).toBe('0')
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/rejected by the rate limit \(HTTP 429\)/)
    expect(run.errors[0]).toMatch(/max-wait-seconds \(10\)/)
    expect(run.errors[0]).toMatch(/The limit resets at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/)
    expect(apiRequests(emulator)).toHaveLength(1)
    expect(listFiles(run.dirs.workspace)).toEqual([])
    expectNoKeyLeak(run)
  })

  it('fails on a revoked key with exactly one request', async () => {
    const run = await download({ 'api-key': UNKNOWN_KEY })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/HTTP 401.*API key was not accepted/)
    expect(run.errors[0]).toMatch(/revoked or regenerated/)
    expect(apiRequests(emulator)).toHaveLength(1)
    expectNoKeyLeak(run, UNKNOWN_KEY)
  })

  it('names the missing permission on 403 with exactly one request', async () => {
    const run = await download({ 'api-key': DEPLOY_ONLY_KEY })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('lacks the "Download Catalog versions" permission')
    expect(apiRequests(emulator)).toHaveLength(1)
    expectNoKeyLeak(run, DEPLOY_ONLY_KEY)
  })

  it('names both IDs when the version is unknown, with exactly one request', async () => {
    const run = await download({ version: '9.9.9.9' })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(SEED.appItemId)
    expect(run.errors[0]).toContain('"9.9.9.9"')
    expect(run.errors[0]).toMatch(/HTTP 404/)
    expect(apiRequests(emulator)).toHaveLength(1)
    expect(listFiles(run.dirs.workspace)).toEqual([])
    expectNoKeyLeak(run)
  })

  it('says an item of another organization is unknown or not visible', async () => {
    const run = await download({ 'catalog-id': SEED.otherOrganizationItemId, version: '1.0.0' })
    expect(run.code).toBe(1)
    expect(run.errors[0]).toMatch(/not visible to the key's organization/)
    expect(apiRequests(emulator)).toHaveLength(1)
  })

  it.each([
    ['reset mid-body', { type: 'reset-mid-body' as const, afterBytes: 100 }],
    ['short body', { type: 'short-body' as const, afterBytes: 100 }]
  ])('retries after a %s and leaves only the complete file', async (_name, fault) => {
    emulator.script({ match: 'download', ...fault })
    const run = await download()
    expect(run.code).toBe(0)
    expect(apiRequests(emulator)).toHaveLength(2)
    expect(readFileSync(run.outputs.path).equals(appContent)).toBe(true)
    expect(listFiles(run.dirs.workspace)).toEqual([run.outputs.filename])
    expect(run.stdout).toMatch(/attempt 1 of 5 failed/)
    const waitLine = run.stdout.split('\n').find(line => line.includes('Waiting'))
    expect(waitLine).toMatch(/failed: [^.]+[^.]\. Waiting/)
    expectNoKeyLeak(run)
  })

  it('abandons a stalled body after timeout-seconds and retries', async () => {
    emulator.script({ match: 'download', type: 'stall', afterBytes: 50 })
    const run = await download({ 'timeout-seconds': '1' })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/No data received for 1 s \(timeout-seconds\)/)
    expect(apiRequests(emulator)).toHaveLength(2)
    expect(readFileSync(run.outputs.path).equals(appContent)).toBe(true)
    expect(listFiles(run.dirs.workspace)).toEqual([run.outputs.filename])
  })

  it('fails cleanly when every attempt stalls, leaving nothing behind', async () => {
    emulator.script(
      { match: 'download', type: 'stall-headers' },
      { match: 'download', type: 'stall-headers' }
    )
    const run = await download({ 'timeout-seconds': '1', 'max-attempts': '2' })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(
      /No answer from .* within 1 s \(timeout-seconds\)\. Gave up after 2 attempts/
    )
    expect(listFiles(run.dirs.workspace)).toEqual([])
  })

  it('follows a redirect to another host without sending it the key', async () => {
    emulator.script({ match: 'download', type: 'redirect', to: 'second-host' })
    const run = await download()
    expect(run.code).toBe(0)
    expect(readFileSync(run.outputs.path).equals(appContent)).toBe(true)
    const second = emulator.requests.filter(r => r.host === 'second')
    expect(second).toHaveLength(1)
    expect(second[0].headers['ocp-apim-subscription-key']).toBeUndefined()
    expect(JSON.stringify(second[0].headers)).not.toContain(TEST_KEY)
    expect(apiRequests(emulator)[0].headers['ocp-apim-subscription-key']).toBe(TEST_KEY)
    expectNoKeyLeak(run)
  })

  it('keeps a hostile file name inside path', async () => {
    emulator.script({ match: 'download', type: 'filename', value: '../../../outside/evil.dmapp' })
    const run = await download({ path: 'pkgs' })
    expect(run.code).toBe(0)
    expect(run.outputs.filename).toBe('evil.dmapp')
    expect(run.outputs.path).toBe(path.join(run.dirs.workspace, 'pkgs', 'evil.dmapp'))
    expect(listFiles(run.dirs.root).filter(f => f.includes('evil'))).toEqual([
      'workspace/pkgs/evil.dmapp'
    ])
  })

  it('names the item and version when the server sends no file name', async () => {
    emulator.script({ match: 'download', type: 'filename', value: '' })
    const run = await download()
    expect(run.code).toBe(0)
    expect(run.outputs.filename).toBe(`${SEED.appItemId}-${APP_VERSION}.dmapp`)
  })

  it('fails on a mismatching expected-sha256 and leaves no file', async () => {
    const run = await download({ 'expected-sha256': 'a'.repeat(64) })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(
      `SHA-256 is ${sha256(appContent)}, not the expected ${'a'.repeat(64)}`
    )
    expect(listFiles(run.dirs.workspace)).toEqual([])
  })

  it('accepts a matching expected-sha256', async () => {
    const run = await download({ 'expected-sha256': sha256(appContent).toUpperCase() })
    expect(run.code).toBe(0)
  })

  it('rejects bad inputs before any request, naming each one', async () => {
    const run = await download({
      'catalog-id': 'not-a-guid',
      version: '..',
      'max-attempts': '0',
      'base-url': 'ftp://example.test',
      'expected-sha256': 'xyz',
      operation: 'upload'
    })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    for (const name of [
      'catalog-id',
      'version',
      'max-attempts',
      'base-url',
      'expected-sha256',
      'operation'
    ]) {
      expect(run.errors[0]).toContain(name)
    }
    expect(emulator.requests).toHaveLength(0)
    expectNoKeyLeak(run)
  })

  it('rejects a key with control characters without echoing it', async () => {
    const run = await download({ 'api-key': 'abc\u0007defghijkl' })
    expect(run.code).toBe(1)
    expect(run.errors[0]).toContain('api-key')
    expect(run.errors[0]).not.toContain('defghijkl')
    expect(emulator.requests).toHaveLength(0)
  })

  it('ignores extra trailing slashes of base-url', async () => {
    const run = await download({ 'base-url': `${emulator.url}///` })
    expect(run.code).toBe(0)
    expect(apiRequests(emulator)[0].path).toBe(
      `/api/key-catalog/v2-0/${SEED.appItemId}/versions/${APP_VERSION}/download`
    )
  })

  it('reaches an IPv6 base-url', async () => {
    const ipv6 = await startTestEmulator({ host: '::1' })
    try {
      expect(ipv6.url).toMatch(/^http:\/\/\[::1\]:\d+$/)
      const run = await download({ 'base-url': ipv6.url })
      expect(run.errors).toEqual([])
      expect(ipv6.requests).toHaveLength(1)
      expect(ipv6.requests[0].headers.host).toBe(ipv6.url.slice('http://'.length))
    } finally {
      await ipv6.close()
    }
  })

  it('works with a base-url that carries a path prefix', async () => {
    const prefixed = await startTestEmulator({ pathPrefix: '/ns' })
    try {
      const run = await download({ 'base-url': `${prefixed.url}/` })
      expect(run.code).toBe(0)
      expect(prefixed.requests[0].path).toBe(
        `/ns/api/key-catalog/v2-0/${SEED.appItemId}/versions/${APP_VERSION}/download`
      )
    } finally {
      await prefixed.close()
    }
  })
})
