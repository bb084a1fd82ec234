// Several jobs on one self-hosted runner at once: N action processes started together against
// one emulator token bucket (they all come from 127.0.0.1, as jobs behind one NAT do), writing
// into one tool cache and one workspace folder. Every run must end in success or in the
// rate-limit message within its budget, and what they leave must be whole: every package
// byte-identical with the right SHA-256, every cache entry complete, no temporary file or
// staging folder left behind. Packages of a few MiB make the writes long enough to overlap.
import { afterAll, describe, expect, it } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import type { CatalogEmulator, ItemSeed } from '../../emulator/index.js'
import { DEMO_ORGANIZATION } from '../../emulator/index.js'
import { buildZip } from '../../emulator/zip-writer.js'
import { CACHE_FOLDER } from '../../src/dataminer/download/package-cache.js'
import { expectNoKeyLeak, startTestEmulator, TEST_KEY } from '../helpers/emulator-fixture.js'
import {
  listFiles,
  makeRunnerDirs,
  removeRunnerDirs,
  runBundle,
  type BundleRun,
  type RunnerDirs
} from '../helpers/run-bundle.js'

const ITEM_ID = '7c3e5a91-2d4b-4f60-8e1a-9b2c3d4e5f70'
const ITEM_NAME = 'Parallel Package'
const VERSIONS = ['1.0.0.1', '1.0.0.2', '1.0.0.3']

/** A package with a few MiB of incompressible bytes, so writes take long enough to overlap. */
function bigPackage(version: string, mebibytes: number): Buffer {
  return buildZip([
    {
      name: 'AppInfo.xml',
      data: `<AppInfo><Name>${ITEM_NAME}</Name><Version>${version}</Version></AppInfo>\n`
    },
    { name: 'Description.txt', data: `${ITEM_NAME} ${version}\n` },
    { name: 'AppInstallContent/blob.bin', data: randomBytes(mebibytes * 1024 * 1024), store: true }
  ])
}

const item: ItemSeed = {
  id: ITEM_ID,
  name: ITEM_NAME,
  organization: DEMO_ORGANIZATION,
  type: 'dmapp',
  versions: VERSIONS.map((version, i) => ({ version, content: bigPackage(version, 2 + i) }))
}
const contentOf = (version: string) => item.versions.find(v => v.version === version)!.content
const fileNameOf = (version: string) => `${ITEM_NAME} ${version}.dmapp`

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

const used: RunnerDirs[] = []
const emulators: CatalogEmulator[] = []
afterAll(async () => {
  await Promise.all(emulators.map(emulator => emulator.close()))
  for (const dirs of used) removeRunnerDirs(dirs)
})

/**
 * An emulator with its own token bucket. With `gateAt`, no request is answered before that many
 * have arrived: then every run has looked in the tool cache and found nothing, and asks the API,
 * so all of them meet the bucket at once, whatever order the processes started in.
 */
async function emulatorWith(rateLimit: { burst: number; refillSeconds: number }, gateAt?: number) {
  let arrived = 0
  let open: () => void = () => {}
  const gate = new Promise<void>(resolve => (open = resolve))
  const emulator = await startTestEmulator({
    items: [item],
    rateLimit: { ...rateLimit, retryAfter: 'seconds' },
    beforeAnswer:
      gateAt === undefined
        ? undefined
        : () => {
            if (++arrived >= gateAt) open()
            return gate
          }
  })
  emulators.push(emulator)
  return emulator
}

/** N runs started together, all with the same folders (one runner, one workspace). */
function startTogether(
  emulator: CatalogEmulator,
  versions: string[],
  inputs: Record<string, string>
): Promise<BundleRun[]> {
  const dirs = makeRunnerDirs()
  used.push(dirs)
  return Promise.all(
    versions.map(version =>
      runBundle(
        {
          'api-key': TEST_KEY,
          'catalog-id': ITEM_ID,
          version,
          'base-url': emulator.url,
          extract: 'true',
          ...inputs
        },
        { dirs, timeoutMs: 60_000 }
      )
    )
  )
}

const RATE_LIMIT_MESSAGE =
  /^The download request (?:was rejected by the rate limit \(HTTP 429\) and the server asks to wait .+, more than the .+ left of max-wait-seconds|was still rejected by the rate limit \(HTTP 429\) after \d+ attempt\(s\))/

/** Success with the right package, or the rate-limit message; never anything else. */
function expectSuccessOrRateLimit(run: BundleRun, version: string, maxWaitSeconds: number): void {
  expect(run.signal).toBeNull()
  if (run.code === 0) {
    expect(run.errors).toEqual([])
    expect(run.outputs).toMatchObject({
      version,
      filename: fileNameOf(version),
      sha256: sha256(contentOf(version)),
      size: String(contentOf(version).length)
    })
  } else {
    expect({ code: run.code, errors: run.errors }).toEqual({
      code: 1,
      errors: [expect.stringMatching(RATE_LIMIT_MESSAGE)]
    })
  }
  // Within its budget: the waits it made, and the one it refused to make.
  const waited = [...run.stdout.matchAll(/Waiting (\d+(?:\.\d+)?) s \(/g)].map(m => Number(m[1]))
  const total = waited.reduce((sum, s) => sum + s, 0)
  expect(total).toBeLessThanOrEqual(maxWaitSeconds)
  expect(Number(run.outputs['waited-seconds'])).toBe(Math.round(total))
  expectNoKeyLeak(run)
}

/** Hidden temporary files and staging folders the action makes while it works. */
function strays(dir: string): string[] {
  const found: string[] = []
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name)
      if (/\.partial|^\.dataminer-catalog-/.test(entry.name)) found.push(full)
      if (entry.isDirectory()) walk(full)
    }
  }
  walk(dir)
  return found
}

/** The workspace holds exactly these packages and their unpacked folders, each whole. */
function expectWholeWorkspace(workspace: string, versions: string[]): void {
  expect(strays(workspace)).toEqual([])
  const expected = versions.flatMap(version => {
    const folder = fileNameOf(version).replace(/\.dmapp$/, '')
    return [
      fileNameOf(version),
      `${folder}/AppInfo.xml`,
      `${folder}/AppInstallContent/blob.bin`,
      `${folder}/Description.txt`
    ]
  })
  expect(listFiles(workspace)).toEqual(expected.sort())
  for (const version of versions) {
    const file = readFileSync(path.join(workspace, fileNameOf(version)))
    expect(sha256(file)).toBe(sha256(contentOf(version)))
    const folder = path.join(workspace, fileNameOf(version).replace(/\.dmapp$/, ''))
    expect(readFileSync(path.join(folder, 'Description.txt'), 'utf8')).toBe(
      `${ITEM_NAME} ${version}\n`
    )
    expect(statSync(path.join(folder, 'AppInstallContent', 'blob.bin')).size).toBe(
      (2 + VERSIONS.indexOf(version)) * 1024 * 1024
    )
  }
}

/** Every entry of the tool cache complete: a valid entry.json and its file, right to the byte. */
function expectWholeCache(toolCache: string, versions: string[]): void {
  const root = path.join(toolCache, CACHE_FOLDER)
  expect(strays(toolCache)).toEqual([])
  const entries = readdirSync(path.join(root, 'layout-1', ITEM_ID))
  expect(entries).toHaveLength(versions.length)
  const cached = entries.map(name => {
    const dir = path.join(root, 'layout-1', ITEM_ID, name)
    const entry = JSON.parse(readFileSync(path.join(dir, 'entry.json'), 'utf8'))
    expect(readdirSync(dir).sort()).toEqual(['entry.json', entry.fileName].sort())
    const file = readFileSync(path.join(dir, entry.fileName))
    expect(entry).toEqual({
      layout: 1,
      catalogId: ITEM_ID,
      version: entry.version,
      fileName: fileNameOf(entry.version),
      size: file.length,
      sha256: sha256(file),
      packageType: 'dmapp'
    })
    expect(file.equals(contentOf(entry.version))).toBe(true)
    return entry.version as string
  })
  expect(cached.sort()).toEqual([...versions].sort())
}

/** Downloads answered with the package, and runs served from the cache, add up to successes. */
function expectRequestsAccountFor(emulator: CatalogEmulator, runs: BundleRun[]): void {
  const served = emulator.requests.filter(r => r.route === 'download' && r.status === 200)
  const succeeded = runs.filter(run => run.code === 0)
  const fromCache = succeeded.filter(run => run.outputs['cache-hit'] === 'true')
  expect(served.length + fromCache.length).toBe(succeeded.length)
}

const TIMEOUT_MS = 120_000

describe('parallel jobs on one runner (process level)', () => {
  const N = 5

  it(
    `${N} runs of the same version all ask at once, wait their turn at a burst of 2, and all succeed`,
    async () => {
      // One token a second, Retry-After in seconds: every run gets its turn within a few seconds.
      const emulator = await emulatorWith({ burst: 2, refillSeconds: 1 }, N)
      const maxWait = 60
      const runs = await startTogether(emulator, Array(N).fill(VERSIONS[0]), {
        'max-wait-seconds': String(maxWait),
        // Each rejection after a run's first means another run took the token: at most N - 1.
        'max-attempts': String(N + 1)
      })
      for (const run of runs) expectSuccessOrRateLimit(run, VERSIONS[0], maxWait)
      expect(runs.map(run => run.code)).toEqual(Array(N).fill(0))
      expect(runs.map(run => run.outputs['cache-hit'])).toEqual(Array(N).fill('false'))
      expect(new Set(runs.map(run => run.outputs.path)).size).toBe(1)
      // The burst let 2 through; the other N - 2 were each turned away at least once.
      expect(emulator.requests.filter(r => r.status === 429).length).toBeGreaterThanOrEqual(N - 2)
      expectRequestsAccountFor(emulator, runs)
      expectWholeWorkspace(runs[0].dirs.workspace, [VERSIONS[0]])
      expectWholeCache(runs[0].dirs.toolCache, [VERSIONS[0]])
    },
    TIMEOUT_MS
  )

  it(
    `${N + 1} runs of three versions at once: every package, folder and cache entry whole`,
    async () => {
      const versions = [...VERSIONS, ...VERSIONS]
      const emulator = await emulatorWith({ burst: 2, refillSeconds: 1 }, versions.length)
      const runs = await startTogether(emulator, versions, {
        'max-wait-seconds': '60',
        'max-attempts': String(versions.length + 1)
      })
      runs.forEach((run, i) => expectSuccessOrRateLimit(run, versions[i], 60))
      expect(runs.map(run => run.code)).toEqual(Array(versions.length).fill(0))
      expectRequestsAccountFor(emulator, runs)
      expectWholeWorkspace(runs[0].dirs.workspace, VERSIONS)
      expectWholeCache(runs[0].dirs.toolCache, VERSIONS)
    },
    TIMEOUT_MS
  )

  it(
    `${N} runs with no time to wait: the burst succeeds, the rest fail with the rate-limit message and leave nothing`,
    async () => {
      // A refill far longer than the runs take: exactly the burst's 2 downloads are answered.
      const emulator = await emulatorWith({ burst: 2, refillSeconds: 600 }, N)
      const runs = await startTogether(emulator, Array(N).fill(VERSIONS[1]), {
        'max-wait-seconds': '30'
      })
      for (const run of runs) expectSuccessOrRateLimit(run, VERSIONS[1], 30)
      expect(runs.filter(run => run.code === 0)).toHaveLength(2)
      const failed = runs.filter(run => run.code !== 0)
      expect(failed).toHaveLength(N - 2)
      for (const run of failed) {
        expect(run.errors[0]).toContain('raise max-wait-seconds to at least 600')
        // Nothing of a package; what it spent, for a later step to read.
        expect(run.outputs).toEqual({ attempts: '1', 'waited-seconds': '0' })
      }
      expectRequestsAccountFor(emulator, runs)
      expectWholeWorkspace(runs[0].dirs.workspace, [VERSIONS[1]])
      expectWholeCache(runs[0].dirs.toolCache, [VERSIONS[1]])
    },
    TIMEOUT_MS
  )

  it(
    `${N} runs started together with nothing held back: some from the API, some from the cache, all whole`,
    async () => {
      const emulator = await emulatorWith({ burst: 2, refillSeconds: 1 })
      const runs = await startTogether(emulator, Array(N).fill(VERSIONS[2]), {
        'max-wait-seconds': '60',
        'max-attempts': String(N + 1)
      })
      for (const run of runs) expectSuccessOrRateLimit(run, VERSIONS[2], 60)
      expect(runs.map(run => run.code)).toEqual(Array(N).fill(0))
      expectRequestsAccountFor(emulator, runs)
      expectWholeWorkspace(runs[0].dirs.workspace, [VERSIONS[2]])
      expectWholeCache(runs[0].dirs.toolCache, [VERSIONS[2]])
    },
    TIMEOUT_MS
  )
})
