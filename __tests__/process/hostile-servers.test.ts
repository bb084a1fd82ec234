// What a hostile or broken server sends cannot carry the key further: not into a file name, a log
// line, an output or another host.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { SEED, type CatalogEmulator } from '../../emulator/index.js'
import {
  apiRequests,
  expectNoKeyLeak,
  TEST_KEY,
  useEmulatorSuite
} from '../helpers/emulator-fixture.js'
import { listFiles, runBundle } from '../helpers/run-bundle.js'

const VERSION = '1.0.0.10'
const suite = useEmulatorSuite()
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'api-key': TEST_KEY,
    'catalog-id': SEED.appItemId,
    version: VERSION,
    'base-url': emulator.url,
    ...extra
  }
}

describe('the key in what the server sends (process level)', () => {
  it.each([
    ['the key as the name', `${TEST_KEY}.dmapp`, `${SEED.appItemId}-${VERSION}.dmapp`],
    ['the key in another case', `App ${TEST_KEY.toUpperCase()}.dmapp`, 'App.dmapp'],
    [
      'the key split by a character that is dropped',
      `${TEST_KEY.slice(0, 9)}"${TEST_KEY.slice(9)}`,
      `${SEED.appItemId}-${VERSION}.dmapp`
    ]
  ])(
    'a Content-Disposition name with %s is saved without it, as the outputs say',
    async (_case, sent, expected) => {
      emulator.script({ match: 'download', type: 'filename', value: sent })
      const dirs = suite.newDirs()
      const run = await runBundle(inputs(), { dirs, env: { RUNNER_DEBUG: '1' } })
      expect(run.errors).toEqual([])
      expect(run.code).toBe(0)
      expect(run.outputs.filename).toBe(expected)
      expect(listFiles(dirs.workspace)).toEqual([expected])
      expect(run.outputs.path).toBe(`${dirs.workspace}/${expected}`)
      expect(run.stdout).toContain(`Package ready: ${dirs.workspace}/${expected}`)
      expectNoKeyLeak(run)
    }
  )

  it('a deploy answer whose deploymentId is the key never prints it', async () => {
    emulator.script({
      match: 'deploy',
      type: 'status',
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ deploymentId: TEST_KEY })
    })
    const run = await runBundle(inputs({ 'coordination-id': SEED.systemIds[0] }), {
      dirs: suite.newDirs(),
      env: { RUNNER_DEBUG: '1' }
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Accepted by the API: deployment *** for system')
    expect(run.outputs['deployment-id']).toBe('***')
    expectNoKeyLeak(run)
  })

  it.each([
    ['raw', (key: string) => key],
    [
      'percent-encoded',
      (key: string) => [...key].map(c => '%' + c.charCodeAt(0).toString(16)).join('')
    ]
  ])(
    'a download redirected to an address holding the key (%s) is refused, never followed',
    async (_form, spell) => {
      emulator.script({
        match: 'download',
        type: 'redirect',
        to: `${emulator.secondUrl}/files/package.dmapp?k=${spell(TEST_KEY)}`
      })
      const dirs = suite.newDirs()
      const run = await runBundle(inputs(), { dirs, env: { RUNNER_DEBUG: '1' } })
      expect(run.code).toBe(1)
      expect(run.errors).toHaveLength(1)
      expect(run.errors[0]).toContain(
        'redirected to an address that contains a secret of the step; the action refused to follow the redirect'
      )
      expect(run.errors[0]).not.toContain(emulator.secondUrl)
      expect(apiRequests(emulator)).toHaveLength(1)
      expect(emulator.requests.filter(r => r.host === 'second')).toEqual([])
      expect(emulator.connections.second).toBe(0)
      expect(listFiles(dirs.workspace)).toEqual([])
      expectNoKeyLeak(run)
    }
  )

  it('a redirect without the key is still followed, without the key', async () => {
    emulator.script({ match: 'download', type: 'redirect', to: 'second-host' })
    const run = await runBundle(inputs(), { dirs: suite.newDirs() })
    expect(run.code).toBe(0)
    expect(emulator.requests.filter(r => r.host === 'second')).toHaveLength(1)
    expectNoKeyLeak(run)
  })
})
