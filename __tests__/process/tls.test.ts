// The bundle against the emulator over HTTPS, with certificates from a CA made at test time
// (__tests__/helpers/test-ca.ts). base-url names catalog.test, which the child resolves to the
// emulator (test-hosts.ts), so the certificate is checked against a host name as on a real
// runner. Trust comes only from NODE_EXTRA_CA_CERTS; the action never turns verification off.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { SEED, type CatalogEmulator } from '../../emulator/index.js'
import {
  apiRequests,
  expectNoKeyLeak,
  sha256,
  startTestEmulator,
  TEST_KEY,
  seededContent
} from '../helpers/emulator-fixture.js'
import {
  listFiles,
  makeRunnerDirs,
  removeRunnerDirs,
  runBundle,
  type BundleRun,
  type RunnerDirs
} from '../helpers/run-bundle.js'
import { makeTestCa, type TestCa } from '../helpers/test-ca.js'
import { API_HOST, hostsFileEnv, OTHER_HOST, urlWithHost } from '../helpers/test-hosts.js'

const VERSION = '1.0.0.9'
const content = seededContent(SEED.appItemId, VERSION)
const SYSTEM = SEED.systemIds[0]

let ca: TestCa
/** A CA nobody told the action about: a company CA missing from NODE_EXTRA_CA_CERTS. */
let otherCa: TestCa
/** HTTPS for catalog.test (and 127.0.0.1, the second host's address) from the test CA. */
let trusted: CatalogEmulator
/** The same CA, but a certificate for another host name only. */
let wrongName: CatalogEmulator
/** A certificate for catalog.test from the other CA. */
let untrusted: CatalogEmulator
/** HTTPS API host, plain-HTTP second host: a redirect there is a downgrade. */
let downgrading: CatalogEmulator
/** HTTPS on both hosts: a redirect to the second host stays on https. */
let bothSecure: CatalogEmulator
const dirs: RunnerDirs[] = []

beforeAll(async () => {
  ca = makeTestCa()
  otherCa = makeTestCa('Some other CA')
  const identity = ca.issue({ dns: [API_HOST], ip: ['127.0.0.1'] })
  trusted = await startTestEmulator({ tls: identity })
  wrongName = await startTestEmulator({ tls: ca.issue({ dns: [OTHER_HOST] }) })
  untrusted = await startTestEmulator({ tls: otherCa.issue({ dns: [API_HOST] }) })
  downgrading = await startTestEmulator({ tls: identity })
  bothSecure = await startTestEmulator({ tls: identity, secondTls: identity })
})

const all = () => [trusted, wrongName, untrusted, downgrading, bothSecure]

afterEach(() => {
  for (const emulator of all()) emulator?.reset()
})

afterAll(async () => {
  await Promise.all(all().map(emulator => emulator?.close()))
  for (const used of dirs) removeRunnerDirs(used)
  ca?.remove()
  otherCa?.remove()
})

function run(
  emulator: CatalogEmulator,
  inputs: Record<string, string>,
  caFile: string | undefined = ca.certFile
): Promise<BundleRun> {
  const runDirs = makeRunnerDirs()
  dirs.push(runDirs)
  return runBundle(
    {
      'api-key': TEST_KEY,
      'catalog-id': SEED.appItemId,
      version: VERSION,
      cache: 'false',
      'base-url': urlWithHost(emulator.url, API_HOST),
      ...inputs
    },
    {
      dirs: runDirs,
      env: {
        ...hostsFileEnv({ [API_HOST]: '127.0.0.1' }),
        ...(caFile === undefined ? {} : { NODE_EXTRA_CA_CERTS: caFile })
      }
    }
  )
}

const deployInputs = { 'coordination-id': SYSTEM }

/** Failed at once: one TCP connection, no HTTP request answered, no wait, one error. */
function expectFailedAtOnce(result: BundleRun, emulator: CatalogEmulator): string {
  expect(result.code).toBe(1)
  expect(emulator.connections.main).toBe(1)
  expect(emulator.requests).toEqual([])
  expect(result.stdout).not.toMatch(/Waiting /)
  expect(result.errors).toHaveLength(1)
  expectNoKeyLeak(result)
  return result.errors[0]
}

describe('a certificate trusted through NODE_EXTRA_CA_CERTS', () => {
  it('downloads over https', async () => {
    const result = await run(trusted, {})
    expect(result.errors).toEqual([])
    expect(result.code).toBe(0)
    expect(result.outputs.sha256).toBe(sha256(content))
    expect(readFileSync(result.outputs.path)).toEqual(content)
    expect(apiRequests(trusted)).toHaveLength(1)
    expectNoKeyLeak(result)
  })

  it('deploys over https', async () => {
    const result = await run(trusted, deployInputs)
    expect(result.errors).toEqual([])
    expect(result.code).toBe(0)
    expect(trusted.deployments).toHaveLength(1)
    expect(result.outputs['deployment-id']).toBe(trusted.deployments[0].deploymentId)
    expectNoKeyLeak(result)
  })
})

describe('a certificate the action cannot trust fails at once, after one attempt', () => {
  it.each([
    ['download', {}],
    ['deploy', deployInputs]
  ])('untrusted issuer (no NODE_EXTRA_CA_CERTS): %s', async (_operation, inputs) => {
    const error = expectFailedAtOnce(await run(untrusted, inputs, undefined), untrusted)
    expect(error).toContain(
      `The TLS certificate of ${new URL(urlWithHost(untrusted.url, API_HOST)).host} was not accepted (UNABLE_TO_VERIFY_LEAF_SIGNATURE`
    )
    expect(error).toContain('NODE_EXTRA_CA_CERTS')
    expect(untrusted.deployments).toEqual([])
  })

  it('an issuer other than the CA NODE_EXTRA_CA_CERTS names', async () => {
    const result = await run(untrusted, {}, ca.certFile)
    const error = expectFailedAtOnce(result, untrusted)
    expect(error).toContain('was not accepted (UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    expect(error).toContain('NODE_EXTRA_CA_CERTS')
    expect(listFiles(result.dirs.workspace)).toEqual([])
  })

  it('a trusted certificate for another host name', async () => {
    const error = expectFailedAtOnce(await run(wrongName, {}), wrongName)
    expect(error).toContain('was not accepted (ERR_TLS_CERT_ALTNAME_INVALID')
    expect(error).toContain(API_HOST)
    expect(error).toContain(OTHER_HOST)
    expect(error).toContain('NODE_EXTRA_CA_CERTS')
  })

  it('the trusting CA file given to a run that does not need it changes nothing else', async () => {
    // Control for the cases above: the same emulator setup with the right CA works.
    const result = await run(trusted, {}, ca.certFile)
    expect(result.code).toBe(0)
    expect(trusted.connections.main).toBe(1)
  })
})

describe('redirects from https', () => {
  it('refuses a redirect to plain http: nothing, the key least of all, goes over http', async () => {
    downgrading.script({ match: 'download', type: 'redirect', to: 'second-host' })
    expect(downgrading.secondUrl).toMatch(/^http:\/\//)
    const result = await run(downgrading, { 'max-attempts': '3' })
    expect(result.code).toBe(1)
    expect(result.errors).toEqual([
      expect.stringContaining(
        'The server redirected from https to plain http (127.0.0.1:' // …port); the action refuses to downgrade.
      )
    ])
    expect(result.errors[0]).toContain('the action refuses to downgrade')
    expect(downgrading.connections.second).toBe(0)
    expect(downgrading.requests.filter(r => r.host === 'second')).toEqual([])
    expect(apiRequests(downgrading)).toHaveLength(1)
    expect(listFiles(result.dirs.workspace)).toEqual([])
    expectNoKeyLeak(result)
  })

  it('follows a redirect to another https host, without the key', async () => {
    bothSecure.script({ match: 'download', type: 'redirect', to: 'second-host' })
    expect(bothSecure.secondUrl).toMatch(/^https:\/\//)
    const result = await run(bothSecure, {})
    expect(result.errors).toEqual([])
    expect(result.code).toBe(0)
    expect(readFileSync(result.outputs.path)).toEqual(content)
    const second = bothSecure.requests.filter(r => r.host === 'second')
    expect(second).toHaveLength(1)
    expect(JSON.stringify(second[0].headers)).not.toContain(TEST_KEY)
    expect(apiRequests(bothSecure)[0].headers['ocp-apim-subscription-key']).toBe(TEST_KEY)
    expectNoKeyLeak(result)
  })
})
