// Versions through the committed bundle: latest, latest-prerelease, Catalog ranges with and
// without allow-prerelease, no match, and exact versions with characters a URL must encode.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { SEED, type CatalogEmulator } from '../../emulator/index.js'
import {
  apiRequests,
  expectNoKeyLeak,
  sha256,
  useEmulatorSuite,
  TEST_KEY,
  seededContent
} from '../helpers/emulator-fixture.js'
import { listFiles, runBundle } from '../helpers/run-bundle.js'

const CONNECTOR = SEED.rangeConnectorItemId
const SOLUTION = SEED.rangeSolutionItemId
const ODD = SEED.oddVersionsItemId
const [SYSTEM_A] = SEED.systemIds
const API = '/api/key-catalog/v2-0'

const suite = useEmulatorSuite()
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

function run(inputs: Record<string, string>) {
  return runBundle(
    { 'api-key': TEST_KEY, 'base-url': emulator.url, cache: 'false', ...inputs },
    { dirs: suite.newDirs() }
  )
}

describe('latest, latest-prerelease and ranges (process level)', () => {
  // [item, version input, allow-prerelease, taken, what the summary says it was resolved from]
  it.each([
    [SOLUTION, 'latest', 'false', '2.3.1', 'latest'],
    [SOLUTION, 'latest', 'true', '3.0.0-beta1', 'latest-prerelease'],
    [SOLUTION, 'latest-prerelease', 'false', '3.0.0-beta1', 'latest-prerelease'],
    [SOLUTION, '2.x', 'false', '2.3.1', '2.x'],
    [SOLUTION, '2.X', 'true', '2.3.2-rc1', '2.X with prereleases'],
    [SOLUTION, '2.0.*', 'false', '2.0.0-CU10', '2.0.*'],
    [CONNECTOR, 'latest', 'false', '1.0.1.2', 'latest'],
    [CONNECTOR, '1.0.0.x', 'false', '1.0.0.12', '1.0.0.x'],
    [CONNECTOR, '1.0.0.x', 'true', '1.0.0.13-beta1', '1.0.0.x with prereleases'],
    [CONNECTOR, '1.1.0.x', 'true', '1.1.0.1-alpha1', '1.1.0.x with prereleases'],
    // Other versions (Nightly build, feature-x) are never taken and never in the way; numbers
    // followed by other text are releases: 100% ranks above 2.0/hotfix and 1.0.0.1.
    [ODD, 'latest', 'false', '100%', 'latest'],
    [ODD, '1.0.x', 'false', '1.0.0.1', '1.0.x']
  ])('%s %s (allow-prerelease %s) takes %s', async (item, version, allow, taken, from) => {
    const result = await run({ 'catalog-id': item, version, 'allow-prerelease': allow })
    expect(result.errors).toEqual([])
    expect(result.code).toBe(0)
    expect(result.outputs.version).toBe(taken)
    const requests = apiRequests(emulator)
    expect(requests.map(r => r.route)).toEqual(['versions', 'download'])
    expect(requests[0].path).toBe(`${API}/catalogs/${item}/versions`)
    expect(requests[1].path).toBe(`${API}/${item}/versions/${encodeURIComponent(taken)}/download`)
    expect(result.outputs.sha256).toBe(sha256(seededContent(item, taken)))
    expect(readFileSync(result.outputs.path).equals(seededContent(item, taken))).toBe(true)
    expect(result.summary).toContain(`<code>${taken}</code> (resolved from ${from})`)
    expectNoKeyLeak(result)
  })

  it('reads a versions list that starts with a byte-order mark', async () => {
    emulator.script({ match: 'versions', type: 'bom' })
    const result = await run({ 'catalog-id': SOLUTION, version: 'latest' })
    expect(result.errors).toEqual([])
    expect(result.outputs.version).toBe('2.3.1')
  })

  it('deploys, reading a deploy answer that starts with a byte-order mark', async () => {
    emulator.script({ match: 'deploy', type: 'bom' })
    const result = await run({
      'catalog-id': SOLUTION,
      version: '2.3.1',
      'coordination-id': SYSTEM_A
    })
    expect(result.errors).toEqual([])
    const [deployment] = JSON.parse(result.outputs.deployments) as { deploymentId: string }[]
    expect(emulator.deployments.map(d => d.deploymentId)).toEqual([deployment.deploymentId])
  })

  it('fails a range that matches nothing after the versions request alone, naming the highest', async () => {
    const result = await run({ 'catalog-id': SOLUTION, version: '4.x' })
    expect(result.code).toBe(1)
    expect(result.errors).toEqual([
      `Catalog item ${SOLUTION} has no release in range 4.x to resolve "4.x" to. The highest ` +
        'versions it lists: 3.0.0-beta1, 2.3.2-rc1, 2.3.1, 2.3.0, 2.0.0-CU10 (17 in all).\n' +
        'Use a range such as 2.x, or name an exact version.'
    ])
    expect(apiRequests(emulator).map(r => r.route)).toEqual(['versions'])
    expect(listFiles(result.dirs.workspace)).toEqual([])
    expect(result.outputs.version).toBeUndefined()
    expect(result.summary).toContain('failed')
  })

  it('says to allow prereleases when only prereleases are in the range', async () => {
    const result = await run({ 'catalog-id': CONNECTOR, version: '1.1.0.x' })
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain('Only prereleases match, the highest 1.1.0.1-alpha1.')
    expect(result.errors[0]).toContain('Set allow-prerelease: true to take a prerelease')
    expect(apiRequests(emulator).map(r => r.route)).toEqual(['versions'])
  })

  it('refuses a mistyped range before any request', async () => {
    const result = await run({ 'catalog-id': CONNECTOR, version: '1.0..x' })
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain('"1.0..x" looks like a range but is not one')
    expect(emulator.requests).toEqual([])
  })
})

describe('exact versions the URL must encode (process level)', () => {
  it.each([
    ['1.0 build 7', '1.0%20build%207'],
    ['2.0/hotfix', '2.0%2Fhotfix'],
    ['100%', '100%25'],
    ['1.0.0+meta', '1.0.0%2Bmeta'],
    ['versión ü 1', 'versi%C3%B3n%20%C3%BC%201']
  ])('downloads %j, sent as %s', async (version, segment) => {
    const result = await run({ 'catalog-id': ODD, version })
    expect(result.errors).toEqual([])
    expect(result.code).toBe(0)
    expect(result.outputs.version).toBe(version)
    expect(apiRequests(emulator).map(r => r.path)).toEqual([
      `${API}/${ODD}/versions/${segment}/download`
    ])
    expect(apiRequests(emulator)[0].status).toBe(200)
    expect(result.outputs.sha256).toBe(sha256(seededContent(ODD, version)))
    expect(result.outputs.path.startsWith(result.dirs.workspace)).toBe(true)
    expect(listFiles(result.dirs.workspace)).toEqual([result.outputs.filename])
  })
})

describe('deploying a range (process level)', () => {
  it('deploys the highest release in the range', async () => {
    const result = await run({
      'catalog-id': SOLUTION,
      version: '2.x',
      'coordination-id': SYSTEM_A
    })
    expect(result.errors).toEqual([])
    expect(result.code).toBe(0)
    expect(result.outputs.version).toBe('2.3.1')
    expect(apiRequests(emulator).map(r => r.route)).toEqual(['versions', 'deploy'])
    expect(apiRequests(emulator)[1].path).toBe(`${API}/catalogs/${SOLUTION}/versions/2.3.1/deploy`)
    expect(emulator.deployments).toEqual([
      expect.objectContaining({ catalogId: SOLUTION, version: '2.3.1', coordinationId: SYSTEM_A })
    ])
    expect(result.outputs['deployment-id']).toBe(emulator.deployments[0].deploymentId)
    expect(result.summary).toContain('<code>2.3.1</code> (resolved from 2.x)')
  })

  it('deploys nothing when the range matches nothing', async () => {
    const result = await run({
      'catalog-id': SOLUTION,
      version: '9.x',
      'coordination-id': SYSTEM_A
    })
    expect(result.code).toBe(1)
    expect(result.errors[0]).toContain('has no release in range 9.x')
    expect(apiRequests(emulator).map(r => r.route)).toEqual(['versions'])
    expect(emulator.deployments).toEqual([])
  })
})
