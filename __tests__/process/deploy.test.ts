// The bundle of the current src/, run as the runner runs it, deploying through the emulator.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { SEED, type CatalogEmulator } from '../../emulator/index.js'
import {
  apiRequests,
  DOWNLOAD_ONLY_KEY,
  expectNoKeyLeak,
  startTestEmulator,
  useEmulatorSuite,
  TEST_KEY
} from '../helpers/emulator-fixture.js'
import { runBundle } from '../helpers/run-bundle.js'

const VERSION = '1.0.0.10'
const [SYSTEM_A, SYSTEM_B, SYSTEM_C] = SEED.systemIds
const UNKNOWN_SYSTEM = '11111111-2222-4333-8444-555555555555'

const suite = useEmulatorSuite()
const newDirs = suite.newDirs
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

function deploy(inputs: Record<string, string>, target = emulator) {
  const dirs = newDirs()
  return runBundle(
    {
      'api-key': TEST_KEY,
      'catalog-id': SEED.appItemId,
      version: VERSION,
      'base-url': target.url,
      ...inputs
    },
    { dirs }
  )
}

function deployments(
  outputs: Record<string, string>
): { coordinationId: string; deploymentId: string }[] {
  return JSON.parse(outputs.deployments)
}

describe('deploy (process level)', () => {
  it('deploys to one system with a POST and reports it as accepted', async () => {
    const run = await deploy({ 'coordination-id': SYSTEM_A })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(emulator.deployments).toHaveLength(1)
    const recorded = emulator.deployments[0]
    expect(recorded).toMatchObject({
      catalogId: SEED.appItemId,
      version: VERSION,
      coordinationId: SYSTEM_A,
      method: 'POST'
    })
    expect(run.outputs['deployment-id']).toBe(recorded.deploymentId)
    expect(deployments(run.outputs)).toEqual([
      { coordinationId: SYSTEM_A, deploymentId: recorded.deploymentId }
    ])
    expect(run.outputs.version).toBe(VERSION)

    const [request] = apiRequests(emulator)
    expect(request).toMatchObject({
      method: 'POST',
      path: `/api/key-catalog/v2-0/catalogs/${SEED.appItemId}/versions/${VERSION}/deploy`,
      query: { coordinationId: SYSTEM_A }
    })
    expect(request.headers.accept).toBe('application/json')
    expect(request.headers['content-length']).toBe('0')

    expect(run.summary).toContain(SYSTEM_A)
    expect(run.summary).toContain(recorded.deploymentId)
    expect(run.summary).toContain('Accepted')
    expect(run.summary).not.toMatch(/installed/i)
    expect(run.summary).toContain('https://admin.dataminer.services')
    expectNoKeyLeak(run)
  })

  it('deploys to three systems given with commas, newlines and spaces, one request each', async () => {
    const run = await deploy({
      'coordination-id': ` ${SYSTEM_A}, ${SYSTEM_B}\n\n  ${SYSTEM_C.toUpperCase()}  \n${SYSTEM_A}`
    })
    expect(run.code).toBe(0)
    expect(apiRequests(emulator).map(r => r.query.coordinationId)).toEqual([
      SYSTEM_A,
      SYSTEM_B,
      SYSTEM_C
    ])
    expect(deployments(run.outputs).map(d => d.coordinationId)).toEqual([
      SYSTEM_A,
      SYSTEM_B,
      SYSTEM_C
    ])
    expect(run.outputs['deployment-id']).toBe(deployments(run.outputs)[0].deploymentId)
    expect(run.stdout).toContain('(3 of 3)')
    expectNoKeyLeak(run)
  })

  it('repeats a deploy rejected by the rate limit (two requests)', async () => {
    emulator.script({
      match: 'deploy',
      type: 'status',
      status: 429,
      headers: { 'Retry-After': '1' }
    })
    const run = await deploy({ 'coordination-id': SYSTEM_A })
    expect(run.code).toBe(0)
    expect(apiRequests(emulator).map(r => r.status)).toEqual([429, 200])
    expect(emulator.deployments).toHaveLength(1)
    expect(run.summary).toMatch(
      /<td>Accepted<\/td><td><code>[0-9a-f-]{36}<\/code><\/td><td>2<\/td>/
    )
    expectNoKeyLeak(run)
  })

  it('does not repeat a deploy after a 500 and says it may have started', async () => {
    emulator.script({ match: 'deploy', type: 'status', status: 500, body: 'internal error' })
    const run = await deploy({ 'coordination-id': SYSTEM_A })
    expect(run.code).toBe(1)
    expect(apiRequests(emulator)).toHaveLength(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/HTTP 500/)
    expect(run.errors[0]).toMatch(/may or may not have started/)
    expect(run.errors[0]).toContain('Deployments page')
    expectNoKeyLeak(run)
  })

  it('does not repeat a deploy whose connection broke after it was sent', async () => {
    emulator.script({ match: 'deploy', type: 'reset-mid-body', afterBytes: 5 })
    const run = await deploy({ 'coordination-id': SYSTEM_A })
    expect(run.code).toBe(1)
    expect(apiRequests(emulator)).toHaveLength(1)
    expect(run.errors[0]).toMatch(/may or may not have started/)
  })

  it('names the deploy permission on 403', async () => {
    const run = await deploy({ 'coordination-id': SYSTEM_A, 'api-key': DOWNLOAD_ONLY_KEY })
    expect(run.code).toBe(1)
    expect(apiRequests(emulator)).toHaveLength(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('lacks the "Deploy a version of a Catalog item" permission')
    expectNoKeyLeak(run, DOWNLOAD_ONLY_KEY)
  })

  it('goes on past an unknown system, then fails naming it, with the two deployments in the output', async () => {
    const run = await deploy({ 'coordination-id': `${SYSTEM_A},${UNKNOWN_SYSTEM},${SYSTEM_B}` })
    expect(run.code).toBe(1)
    expect(apiRequests(emulator)).toHaveLength(3)
    expect(deployments(run.outputs).map(d => d.coordinationId)).toEqual([SYSTEM_A, SYSTEM_B])
    expect(run.outputs['deployment-id']).toBe(deployments(run.outputs)[0].deploymentId)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/Deployment failed for 1 of 3 systems/)
    expect(run.errors[0]).toContain(UNKNOWN_SYSTEM)
    expect(run.errors[0]).toMatch(/unknown, or not visible to the key's organization/)
    expect(run.summary).toMatch(new RegExp(`${UNKNOWN_SYSTEM}.*Failed`))
    expectNoKeyLeak(run)
  })

  it('repeats the call once as GET when POST is answered with 405', async () => {
    const getOnly = await startTestEmulator({ rejectPostDeploy: true })
    try {
      const run = await deploy({ 'coordination-id': SYSTEM_A }, getOnly)
      expect(run.code).toBe(0)
      expect(getOnly.requests.map(r => [r.method, r.status])).toEqual([
        ['POST', 405],
        ['GET', 200]
      ])
      expect(run.outputs['deployment-id']).toBe(getOnly.deployments[0].deploymentId)
      expect(getOnly.deployments[0].method).toBe('GET')
      expectNoKeyLeak(run)
    } finally {
      await getOnly.close()
    }
  })

  it('fails when the API accepts the deploy but sends no deploymentId, showing the answer', async () => {
    emulator.script({ match: 'deploy', type: 'status', status: 200, body: '{"status":"queued"}' })
    const run = await deploy({ 'coordination-id': SYSTEM_A })
    expect(run.code).toBe(1)
    expect(apiRequests(emulator)).toHaveLength(1)
    expect(run.errors[0]).toContain('no deploymentId')
    expect(run.errors[0]).toContain('{"status":"queued"}')
    expect(run.errors[0]).toMatch(/may or may not have started/)
  })

  it('refuses operation deploy without a system before any request', async () => {
    const run = await deploy({ operation: 'deploy' })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('coordination-id')
    expect(emulator.requests).toHaveLength(0)
  })

  it('refuses an invalid system ID before any request', async () => {
    const run = await deploy({ 'coordination-id': `${SYSTEM_A}, not-a-system` })
    expect(run.code).toBe(1)
    expect(run.errors[0]).toContain('not-a-system')
    expect(emulator.requests).toHaveLength(0)
  })

  it('deploys the version latest resolves to', async () => {
    const run = await deploy({ 'coordination-id': SYSTEM_A, version: 'latest' })
    expect(run.code).toBe(0)
    expect(run.outputs.version).toBe('2.0.0-CU1')
    expect(apiRequests(emulator).map(r => r.route)).toEqual(['versions', 'deploy'])
  })
})
