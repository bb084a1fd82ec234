// The step summary is a report, not part of the job: the step succeeds, with every output, when
// the runner gives no summary file or the file cannot be written.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { SEED, type CatalogEmulator } from '../../emulator/index.js'
import { TEST_KEY, useEmulatorSuite } from '../helpers/emulator-fixture.js'
import { runBundle, type RunnerDirs } from '../helpers/run-bundle.js'

const suite = useEmulatorSuite()
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

/** A download whose runner environment `env` adjusts, given the job's folders. */
function download(env: (dirs: RunnerDirs) => Record<string, string>) {
  const dirs = suite.newDirs()
  const inputs = {
    'api-key': TEST_KEY,
    'catalog-id': SEED.appItemId,
    version: '1.0.0.9',
    'base-url': emulator.url,
    cache: 'false'
  }
  return runBundle(inputs, { dirs, env: env(dirs) })
}

describe('step summary (process level)', () => {
  it('succeeds with every output when the runner gives no summary file', async () => {
    const run = await download(() => ({ GITHUB_STEP_SUMMARY: '' }))
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ version: '1.0.0.9', 'cache-hit': 'false', attempts: '1' })
    expect(existsSync(run.outputs.path)).toBe(true)
    expect(run.stdout).not.toMatch(/No step summary/)
  })

  it('succeeds with every output when the summary file cannot be written', async () => {
    // A folder where the file should be: the runner's summary cannot be appended to.
    const run = await download(dirs => ({ GITHUB_STEP_SUMMARY: dirs.temp }))
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ version: '1.0.0.9', 'cache-hit': 'false', attempts: '1' })
    expect(existsSync(run.outputs.path)).toBe(true)
    expect(run.stdout).toMatch(/^::debug::No step summary: ./m)
  })
})
