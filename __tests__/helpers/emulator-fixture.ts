// Shared setup of process-level tests: an emulator with a test key of its own, so leak checks
// look for a string that appears nowhere else.
import { afterAll, afterEach, beforeAll, expect } from '@jest/globals'
import { createHash } from 'node:crypto'
import {
  DEMO_KEYS,
  SEED_ITEMS,
  startEmulator,
  type CatalogEmulator,
  type EmulatorOptions
} from '../../emulator/index.js'
import {
  everythingWritten,
  makeRunnerDirs,
  removeRunnerDirs,
  type BundleRun,
  type RunnerDirs
} from './run-bundle.js'

export const TEST_KEY = 'Tk-7f3a9c2e-organization-key-for-tests'
export const DOWNLOAD_ONLY_KEY = 'Tk-download-only-5d1b8a'
export const DEPLOY_ONLY_KEY = 'Tk-deploy-only-2c6e0f'
export const UNKNOWN_KEY = 'Tk-revoked-key-9a8b7c'

export function startTestEmulator(options: EmulatorOptions = {}): Promise<CatalogEmulator> {
  return startEmulator({
    rateLimit: false,
    ...options,
    keys: {
      ...DEMO_KEYS,
      [TEST_KEY]: DEMO_KEYS['demo-full-key'],
      [DOWNLOAD_ONLY_KEY]: DEMO_KEYS['demo-download-key'],
      [DEPLOY_ONLY_KEY]: DEMO_KEYS['demo-deploy-key'],
      ...options.keys
    }
  })
}

/** The key never appears in what the run wrote; `::add-mask::` is how the runner learns to hide it. */
export function expectNoKeyLeak(run: BundleRun, key = TEST_KEY): void {
  // Split at CRLF too: on Windows the runner's commands end with it.
  const masks = run.stdout.split(/\r?\n/).filter(line => line.startsWith('::add-mask::'))
  expect(masks).toEqual([`::add-mask::${key}`])
  const written = everythingWritten(run)
    .split(/\r?\n/)
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  expect(written).not.toContain(key)
}

/** The package the emulator serves for an item's version by default. */
export function seededContent(itemId: string, version: string): Buffer {
  const seed = SEED_ITEMS.find(item => item.id === itemId)?.versions.find(
    v => v.version === version
  )
  if (!seed) throw new Error(`The emulator seeds no version ${version} of item ${itemId}`)
  return seed.content
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/** Requests the emulator's API host received (the second host excluded). */
export function apiRequests(emulator: CatalogEmulator) {
  return emulator.requests.filter(r => r.host === 'main')
}

/**
 * One emulator for a test file, reset after each test, and runner folders that are removed at
 * the end. Call at the top level of the file.
 */
export function useEmulatorSuite(options: EmulatorOptions = {}) {
  const used: RunnerDirs[] = []
  const suite = {
    emulator: undefined as unknown as CatalogEmulator,
    newDirs(): RunnerDirs {
      const dirs = makeRunnerDirs()
      used.push(dirs)
      return dirs
    }
  }
  beforeAll(async () => {
    suite.emulator = await startTestEmulator(options)
  })
  afterAll(async () => {
    await suite.emulator.close()
    for (const dirs of used) removeRunnerDirs(dirs)
  })
  afterEach(() => suite.emulator.reset())
  return suite
}
